// Template rollouts (docs/rollouts.md): POST /api/v1/templates/{id}/rollouts (a rollout, or its
// plan with "dry_run"), GET /api/v1/templates/{id}/rollouts, GET /api/v1/rollouts[/{id}], and
// POST /api/v1/rollouts/{id}/pause|resume|cancel.
#pragma once

#include <memory>

#include "control/rollouts/rollout_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_rollout_routes(kernel::http::Router& router,
                        std::shared_ptr<const RolloutService> rollouts);

}  // namespace vergegrid::control
