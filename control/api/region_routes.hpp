// /api/v1/regions: list, get, create, PATCH, delete, history, rollback, upgrade-template, stub
// (the move is migration_routes.hpp), and the entry points that keep runtime state (delete
// after a final snapshot, rollback with_state, create from_snapshot; docs/snapshots.md). Each
// handler reads the request, calls the RegionService and renders its answer.
#pragma once

#include <memory>

#include "control/regions/region_service.hpp"
#include "control/snapshots/snapshot_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_region_routes(kernel::http::Router& router, RegionService regions,
                       std::shared_ptr<const SnapshotService> snapshots);

}  // namespace vergegrid::control
