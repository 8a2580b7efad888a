// /api/v1/placement/policy: the active placement policy (read, swap).
#pragma once

#include <memory>

#include "control/domain/store.hpp"
#include "control/placement/placement_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// The handlers share `placement`: it lives as long as the router.
void add_placement_policy_routes(kernel::http::Router& router, Store store,
                                 std::shared_ptr<PlacementService> placement);

}  // namespace vergegrid::control
