// /api/v1/placement: the active policy (read, swap), dry-run plans; and the drain of a simulator
// (cordon it, plan where its regions would go).
#pragma once

#include "control/common/store.hpp"
#include "control/placement/placement_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// `placement` must outlive the router.
void add_placement_routes(kernel::http::Router& router, Store store, PlacementService& placement);

}  // namespace vergegrid::control
