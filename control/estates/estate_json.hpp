// An estate as the API shows it and as its events carry it.
#pragma once

#include <nlohmann/json.hpp>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

nlohmann::json estate_to_json(const plugin_api::Estate& estate);

}  // namespace vergegrid::control
