#include "control/domain/group_commit_metrics.hpp"

#include <algorithm>

namespace vergegrid::control {

namespace {

// The group's own counters are the truth; the metric catches up with them on each scrape.
void catch_up(kernel::metrics::Counter& counter, double now) {
    counter.inc(std::max(0.0, now - counter.value()));
}

}  // namespace

void collect_group_commit(kernel::metrics::Registry& registry,
                          std::weak_ptr<const GroupCommit> group) {
    auto& batches = registry.counter(
        "vergegrid_group_commit_batches_total",
        "Transactions the group committer ran, each ending in one COMMIT (a batch a failed "
        "COMMIT made run again one request at a time counts once)");
    auto& requests = registry.counter("vergegrid_group_commit_requests_total",
                                      "Write requests the group-commit batches carried");
    registry.add_collector([&batches, &requests, group = std::move(group)] {
        const auto running = group.lock();
        if (!running) {
            return;
        }
        catch_up(batches.with({}), static_cast<double>(running->batches()));
        catch_up(requests.with({}), static_cast<double>(running->requests()));
    });
}

}  // namespace vergegrid::control
