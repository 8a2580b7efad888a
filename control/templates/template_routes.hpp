// /api/v1/templates: list, get, create, PATCH (a new version), delete, and its versions.
#pragma once

#include <nlohmann/json.hpp>

#include "control/domain/store.hpp"
#include "kernel/http/router.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

nlohmann::json template_to_json(const plugin_api::Template& tmpl);
void add_template_routes(kernel::http::Router& router, Store store);

}  // namespace vergegrid::control
