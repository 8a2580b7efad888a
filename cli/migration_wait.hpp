// --wait for moves and batches (docs/api.md "Migrations"): polls GET /migrations/{id} or
// GET /migration-batches/{id} until the work has ended, printing a line each time the move's step
// or the batch's progress (done/failed/left) changes, so a script's log shows where it stood.
#pragma once

#include <ostream>
#include <string>

#include "cli/api.hpp"

namespace vergegrid::cli {

// The migration's last JSON once it is succeeded, failed or cancelled.
Json wait_for_migration(Api& api, std::ostream& out, const std::string& id);
// The batch's last JSON once no move of it is queued or running.
Json wait_for_batch(Api& api, std::ostream& out, const std::string& id);

// "move of region Alpha: succeeded, downtime 1234 ms" (or the error of a failed one).
std::string migration_summary(const Json& migration);
// "drain <id> of simulator <sim>: running, 3 done, 0 failed, 7 left of 10".
std::string batch_summary(const Json& batch);

}  // namespace vergegrid::cli
