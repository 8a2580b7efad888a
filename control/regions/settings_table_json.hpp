// The region-settings table (libs/region_settings) as GET /api/v1/region-settings answers it:
// {"fields": [{"path", "mechanism", "application"}]}, in the table's order; application is
// "live", "on-restart" or "unsupported". The web console and vergegridctl show it as it is.
#pragma once

#include <nlohmann/json.hpp>

namespace vergegrid::control {

nlohmann::json settings_table_json();

}  // namespace vergegrid::control
