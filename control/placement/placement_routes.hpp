// /api/v1/placement/plan: dry-run plans; and the drain of a simulator (cordon it, plan where its
// regions would go). The active policy's routes are control/api/placement_policy_routes.
#pragma once

#include <cstdint>
#include <memory>

#include "control/domain/store.hpp"
#include "control/placement/placement_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// The handlers share `placement`: it lives as long as the router. A plan may spend
// `plan_work_budget` units searching for free footprints (placement.plan_work_budget).
void add_placement_routes(kernel::http::Router& router, Store store,
                          std::shared_ptr<PlacementService> placement,
                          std::uint64_t plan_work_budget);

}  // namespace vergegrid::control
