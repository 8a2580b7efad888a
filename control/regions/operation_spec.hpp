// The spec an operation carries to the simulator for a create, update, enable, disable or
// restart (docs/bridge.md): the region's configuration, its estate as the simulator must know it
// (`estate`: id, name, owner; the bridge creates and links OpenSim's estate by name) and
// `apply_restart` when the change asked for its on-restart fields to be applied now.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "vergegrid/plugin_api/storage_model.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

nlohmann::json operation_spec(plugin_api::StorageTransaction& tx, const plugin_api::Region& region,
                              bool apply_restart);

}  // namespace vergegrid::control
