// Finds a stored entity by the id in a request path, or answers 404 naming it.
#pragma once

#include <string>

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

plugin_api::Estate existing_estate(plugin_api::StorageTransaction& tx, const std::string& id);
plugin_api::Template existing_template(plugin_api::StorageTransaction& tx, const std::string& id);
plugin_api::Region existing_region(plugin_api::StorageTransaction& tx, const std::string& id);

}  // namespace vergegrid::control
