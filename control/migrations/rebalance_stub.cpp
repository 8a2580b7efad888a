// STOPGAP on i13-api only: MigrationService::rebalance until i13-engine implements it (with the
// planner of control/migrations/rebalance_plan.hpp). Delete this file when merging that work;
// until then a rebalance answers 503 rebalance_unavailable after checking its input, so the
// routes, the CLI and the console can be exercised.
#include "control/domain/domain_error.hpp"
#include "control/migrations/migration_service.hpp"

namespace vergegrid::control {

Committed<RebalanceResult> MigrationService::rebalance(const Actor&,
                                                       const Rebalance& command) const {
    if (command.max_moves < 1 || command.max_moves > 1000) {
        throw DomainError::invalid_field("max_moves", "must be an integer between 1 and 1000");
    }
    if (command.max_parallel < 1 || command.max_parallel > 16) {
        throw DomainError::invalid_field("max_parallel", "must be an integer between 1 and 16");
    }
    throw DomainError(Fault::unavailable, "rebalance_unavailable",
                      "this build has no rebalance planner yet", "");
}

}  // namespace vergegrid::control
