// The one rendering of the plugin table: JSON for GET /api/v1/plugins, text for --list-plugins.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "kernel/plugins/plugin_record.hpp"

namespace vergegrid::kernel::app {

nlohmann::json plugins_to_json(const std::vector<plugins::PluginRecord>& records);
std::string plugins_to_table(const std::vector<plugins::PluginRecord>& records);

}  // namespace vergegrid::kernel::app
