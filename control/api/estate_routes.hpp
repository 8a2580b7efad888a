// /api/v1/estates: list, get, create, PATCH, delete.
#pragma once

#include "control/estates/estate_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_estate_routes(kernel::http::Router& router, EstateService estates);

}  // namespace vergegrid::control
