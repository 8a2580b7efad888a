#include "control/operations/operation_metrics.hpp"

#include "control/domain/changes.hpp"

namespace vergegrid::control {

OperationService::ResultObserver count_operation_results(kernel::metrics::Registry& registry) {
    auto& results = registry.counter(
        "vergegrid_operation_results_total",
        "Operation results simulators reported, by operation kind and state (succeeded, failed)",
        {"kind", "state"});
    return [&results](Changes& changes, const plugin_api::Operation& operation) {
        changes.after_commit([&results, kind = operation.kind, state = operation.state] {
            results.with({kind, state}).inc();
        });
    };
}

}  // namespace vergegrid::control
