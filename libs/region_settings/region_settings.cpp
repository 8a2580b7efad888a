#include "region_settings/region_settings.hpp"

namespace vergegrid::region_settings {

std::optional<SettingField> find_setting_field(std::string_view path) {
    for (const auto& field : kSettingFields) {
        if (field.path == path) {
            return field;
        }
    }
    return std::nullopt;
}

std::string_view application_name(Application application) {
    switch (application) {
        case Application::live:
            return "live";
        case Application::on_restart:
            return "on-restart";
        case Application::unsupported:
            return "unsupported";
    }
    return "unsupported";
}

}  // namespace vergegrid::region_settings
