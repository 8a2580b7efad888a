#include "control/domain/storage_timings.hpp"

namespace vergegrid::control {

namespace {

// From half a millisecond (SQLite reads on a warm cache) to 10 s (the storage plugins' lock and
// connection waits).
std::vector<double> storage_buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

kernel::metrics::HistogramFamily& durations(kernel::metrics::Registry& registry) {
    return registry.histogram(
        "vergegrid_storage_transaction_duration_seconds",
        "Storage transactions from begin to commit or rollback as their callers see them (a "
        "write's wait for its group commit included), by access: read or write",
        {"access"}, storage_buckets());
}

}  // namespace

StorageTimings::StorageTimings(kernel::metrics::Registry& registry)
    : read_(durations(registry).with({"read"})), write_(durations(registry).with({"write"})) {}

void StorageTimings::observe(plugin_api::Access access,
                             std::chrono::steady_clock::duration elapsed) const {
    auto& histogram = access == plugin_api::Access::read ? read_ : write_;
    histogram.observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace vergegrid::control
