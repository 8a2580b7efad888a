// The results simulators report, for GET /metrics:
// vergegrid_operation_results_total{kind, state="succeeded"|"failed"}, counted once the result is
// committed (a rolled-back report counts nothing). An operator's alert on failing operations is a
// ratio of its rates.
#pragma once

#include "control/operations/operation_service.hpp"
#include "kernel/metrics/registry.hpp"

namespace vergegrid::control {

// The observer to hand to OperationService::on_result; the registry must outlive the service.
OperationService::ResultObserver count_operation_results(kernel::metrics::Registry& registry);

}  // namespace vergegrid::control
