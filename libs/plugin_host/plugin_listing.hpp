// The one rendering of the plugin table: JSON for GET /api/v1/plugins, text for --list-plugins.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "plugin_host/plugin_record.hpp"

namespace vergegrid::plugin_host {

nlohmann::json plugins_to_json(const std::vector<PluginRecord>& records);
std::string plugins_to_table(const std::vector<PluginRecord>& records);

}  // namespace vergegrid::plugin_host
