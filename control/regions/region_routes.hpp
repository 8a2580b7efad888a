// /api/v1/regions: list, get, create, PATCH, delete, history, rollback, upgrade-template, stub,
// move.
// Every mutating request is one transaction: region row, supplements, history row, audit row.
#pragma once

#include <memory>

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/placement/placement_service.hpp"
#include "kernel/http/router.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace vergegrid::control {

// What a region change needs to reach its simulator. Both must outlive the router.
struct RegionChannel {
    kernel::services::ActiveSlot<plugin_api::SyncScheduler>* sync;
    OperationSignals* signals;
};

// Creation places the region (control/placement) in the transaction that writes it; the
// handlers share `placement`, so it lives as long as the router. POST /regions/{id}/move re-places
// a region.
void add_region_routes(kernel::http::Router& router, Store store, RegionChannel channel,
                       std::shared_ptr<PlacementService> placement);

}  // namespace vergegrid::control
