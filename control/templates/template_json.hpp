// A template as the API shows it and as its events carry it: the spec's fields, id, name,
// version and times.
#pragma once

#include <nlohmann/json.hpp>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

nlohmann::json template_to_json(const plugin_api::Template& tmpl);

}  // namespace vergegrid::control
