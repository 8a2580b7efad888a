// /api/v1/blueprints: list, get, plan (a dry run) and apply (docs/blueprints.md).
#pragma once

#include <memory>

#include "control/blueprints/blueprint_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_blueprint_routes(kernel::http::Router& router,
                          std::shared_ptr<const BlueprintService> blueprints);

}  // namespace vergegrid::control
