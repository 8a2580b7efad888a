// The operator's side of snapshots (docs/snapshots.md, docs/api.md): take, list, read, download,
// delete, restore.
#pragma once

#include <memory>

#include "control/snapshots/snapshot_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// A restore's answer (202): the safety snapshot taken first, or the load queued at once.
nlohmann::json restore_to_json(const RestoreQueued& queued);

void add_snapshot_routes(kernel::http::Router& router,
                         std::shared_ptr<const SnapshotService> snapshots);

}  // namespace vergegrid::control
