// GET/PUT /api/v1/placement/policy: the HTTP adapter of PolicyChoice.
#pragma once

#include <memory>

#include "control/placement/policy_choice.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// The handlers share `policies`: it lives as long as the router.
void add_placement_policy_routes(kernel::http::Router& router,
                                 std::shared_ptr<PolicyChoice> policies);

}  // namespace vergegrid::control
