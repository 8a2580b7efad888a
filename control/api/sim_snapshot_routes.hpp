// The simulator's side of snapshots (docs/snapshots.md, "The simulator's side of the wire"):
// resumable chunked uploads, ranged downloads for a restore, and the progress of long operations.
#pragma once

#include <memory>

#include "control/snapshots/snapshot_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_sim_snapshot_routes(kernel::http::Router& router,
                             std::shared_ptr<const SnapshotService> snapshots);

}  // namespace vergegrid::control
