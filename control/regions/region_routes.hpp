// /api/v1/regions: list, get, create, PATCH, delete, history, rollback, upgrade-template, stub.
// Every mutating request is one transaction: region row, supplements, history row, audit row.
#pragma once

#include "control/common/store.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_region_routes(kernel::http::Router& router, Store store);

}  // namespace vergegrid::control
