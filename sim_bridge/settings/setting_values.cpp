#include "sim_bridge/settings/setting_values.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "region_settings/region_settings.hpp"

namespace vergegrid::bridge::settings {

namespace {

struct KeyRow {
    std::string_view path;
    RegionSettingKey key;
};

constexpr KeyRow kKeys[] = {
    {"environment.water_height", {"WaterHeight", false, false}},
    {"terrain.raise_limit", {"TerrainRaiseLimit", false, false}},
    {"terrain.lower_limit", {"TerrainLowerLimit", false, false}},
    {"permissions.allow_damage", {"AllowDamage", false, true}},
    {"permissions.allow_terraform", {"BlockTerraform", true, true}},
    {"flags.allow_flying", {"BlockFly", true, true}},
    {"flags.allow_scripts", {"DisableScripts", true, true}},
    {"flags.max_agents", {"AgentLimit", false, false}},
};

std::string trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

}  // namespace

nlohmann::json value_at(const nlohmann::json& spec, std::string_view path) {
    const nlohmann::json* at = &spec;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto dot = path.find('.', start);
        const auto part = std::string(path.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (!at->is_object() || !at->contains(part)) {
            return nullptr;
        }
        at = &(*at)[part];
        if (dot == std::string_view::npos) {
            return *at;
        }
        start = dot + 1;
    }
    return nullptr;
}

std::optional<nlohmann::json> opensim_default(std::string_view path) {
    // RegionSettings.cs and RegionInfo.cs of 0.9.2.2, the estate's PublicAccess, the parcel's
    // AllowVoiceChat, OpenSim.ini.example's [Startup] physics.
    static const std::pair<std::string_view, nlohmann::json> defaults[] = {
        {"flags.enabled", true},
        {"physics_type", "BulletSim"},
        {"draw_distance_cap", 0},
        {"parcel_layout", nullptr},
        {"environment.water_height", 20.0},
        {"environment.sun_fixed", false},
        {"environment.sun_position", 0.0},
        {"environment.environment_preset", nullptr},
        {"terrain.raise_limit", 100.0},
        {"terrain.lower_limit", -100.0},
        {"permissions.public_access", true},
        {"permissions.allow_damage", false},
        {"permissions.allow_terraform", true},
        {"flags.allow_voice", true},
        {"flags.allow_flying", true},
        {"flags.allow_scripts", true},
        {"flags.max_agents", 40},
    };
    for (const auto& [name, value] : defaults) {
        if (name == path) {
            return value;
        }
    }
    return std::nullopt;
}

std::vector<std::string> changed_fields(const nlohmann::json* previous,
                                        const nlohmann::json& spec) {
    std::vector<std::string> paths;
    for (const auto& field : region_settings::kSettingFields) {
        const auto now = value_at(spec, field.path);
        if (previous != nullptr) {
            if (!same_value(value_at(*previous, field.path), now)) {
                paths.emplace_back(field.path);
            }
            continue;
        }
        const auto fallback = opensim_default(field.path);
        if (!fallback || !same_value(*fallback, now)) {
            if (!(now.is_null() && !fallback)) {
                paths.emplace_back(field.path);
            }
        }
    }
    return paths;
}

std::optional<RegionSettingKey> region_setting_key(std::string_view path) {
    for (const auto& row : kKeys) {
        if (row.path == path) {
            return row.key;
        }
    }
    return std::nullopt;
}

std::string element_text(const RegionSettingKey& key, const nlohmann::json& value) {
    if (key.boolean) {
        const bool on = value.is_boolean() && value.get<bool>();
        return (on != key.inverted) ? "True" : "False";
    }
    if (value.is_number_integer()) {
        return std::to_string(value.get<long long>());
    }
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text << (value.is_number() ? value.get<double>() : 0.0);
    return text.str();
}

std::optional<nlohmann::json> field_value(const RegionSettingKey& key, std::string_view raw) {
    std::string text = trimmed(raw);
    if (text.size() > 2 && text.substr(text.size() - 2) == " m") {
        text = trimmed(text.substr(0, text.size() - 2));  // "-20 m" in `region get`
    }
    if (key.boolean) {
        if (text != "True" && text != "False") {
            return std::nullopt;
        }
        return (text == "True") != key.inverted;
    }
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    if (key.element == "AgentLimit") {
        return static_cast<long long>(std::llround(number));
    }
    return number;
}

bool same_value(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.is_number() && b.is_number()) {
        return std::fabs(a.get<double>() - b.get<double>()) < 1e-3;
    }
    return a == b;
}

}  // namespace vergegrid::bridge::settings
