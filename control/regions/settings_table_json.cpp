#include "control/regions/settings_table_json.hpp"

#include <string>

#include "region_settings/region_settings.hpp"

namespace vergegrid::control {

nlohmann::json settings_table_json() {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& field : region_settings::kSettingFields) {
        fields.push_back(
            {{"path", std::string(field.path)},
             {"mechanism", std::string(field.mechanism)},
             {"application", std::string(region_settings::application_name(field.application))}});
    }
    return {{"fields", fields}};
}

}  // namespace vergegrid::control
