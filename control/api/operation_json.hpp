// An operation as the bridge and operators see it.
#pragma once

#include <nlohmann/json.hpp>

#include "vergegrid/plugin_api/storage_operations.hpp"

namespace vergegrid::control {

nlohmann::json operation_to_json(const plugin_api::Operation& operation);

}  // namespace vergegrid::control
