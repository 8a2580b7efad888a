// /api/v1/estates: list, get, create, PATCH, delete.
#pragma once

#include <nlohmann/json.hpp>

#include "control/domain/store.hpp"
#include "kernel/http/router.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

nlohmann::json estate_to_json(const plugin_api::Estate& estate);
void add_estate_routes(kernel::http::Router& router, Store store);

}  // namespace vergegrid::control
