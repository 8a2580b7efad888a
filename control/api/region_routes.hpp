// /api/v1/regions: list, get, create, PATCH, delete, history, rollback, upgrade-template, stub,
// move. Each handler reads the request, calls the RegionService and renders its answer.
#pragma once

#include "control/regions/region_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_region_routes(kernel::http::Router& router, RegionService regions);

}  // namespace vergegrid::control
