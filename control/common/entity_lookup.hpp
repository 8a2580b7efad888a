// Finds a stored entity by its id, or throws DomainError not_found naming it.
#pragma once

#include <string>

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

plugin_api::Estate existing_estate(plugin_api::StorageTransaction& tx, const std::string& id);
plugin_api::Template existing_template(plugin_api::StorageTransaction& tx, const std::string& id);
plugin_api::Region existing_region(plugin_api::StorageTransaction& tx, const std::string& id);

}  // namespace vergegrid::control
