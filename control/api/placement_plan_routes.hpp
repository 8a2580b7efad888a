// POST /api/v1/placement/plan (dry-run plans of new regions) and POST
// /api/v1/simulators/{id}/drain (cordon a simulator, plan where its regions would go).
#pragma once

#include "control/regions/region_placement_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_placement_plan_routes(kernel::http::Router& router, RegionPlacementService placements);

}  // namespace vergegrid::control
