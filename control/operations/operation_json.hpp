// An operation as the bridge and operators see it; "progress" is how far a long one (snapshot,
// restore) has come, or null.
#pragma once

#include <nlohmann/json.hpp>

#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {

nlohmann::json operation_to_json(const plugin_api::Operation& operation,
                                 const plugin_api::OperationProgress* progress = nullptr);

}  // namespace vergegrid::control
