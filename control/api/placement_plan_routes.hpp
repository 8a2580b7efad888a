// POST /api/v1/placement/plan (dry-run plans of new regions), and the answer of a drain that only
// plans (POST /api/v1/simulators/{id}/drain without "execute": migration_routes.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include "control/regions/region_placement_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// {"simulator", "policy", "moves": [{"region_id", "region", "placed", ...}]}
nlohmann::json drain_plan_to_json(const Drain& drain);

void add_placement_plan_routes(kernel::http::Router& router, RegionPlacementService placements);

}  // namespace vergegrid::control
