// The values of the table's fields (libs/region_settings) in an operation's region spec, OpenSim's
// own defaults for them, and how each RegionSettings-backed field is spelt in OpenSim
// (RegionSettings element, inverted or not).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vergegrid::bridge::settings {

// The value at a dotted path ("flags.max_agents") of the spec; null when absent.
nlohmann::json value_at(const nlohmann::json& spec, std::string_view path);

// What a fresh OpenSim 0.9.2.2 region has for the field (RegionSettings.cs, RegionInfo.cs,
// [Startup] physics), or nullopt when OpenSim has no value of its own (name, location, ...).
std::optional<nlohmann::json> opensim_default(std::string_view path);

// The fields an operation carries a change for: with no previous spec (create) every field of the
// table whose value is not OpenSim's default; else the fields whose value differs.
std::vector<std::string> changed_fields(const nlohmann::json* previous, const nlohmann::json& spec);

// A field kept in OpenSim's RegionSettings: its element name there, and whether the element says
// the opposite of the field (allow_flying = !BlockFly).
struct RegionSettingKey {
    std::string_view element;
    bool inverted = false;
    bool boolean = false;
};
std::optional<RegionSettingKey> region_setting_key(std::string_view path);

// The element's text for the field's value ("True", "25.5") and the field's value from an
// element's text (nullopt when the text is not a value of the field's type).
std::string element_text(const RegionSettingKey& key, const nlohmann::json& value);
std::optional<nlohmann::json> field_value(const RegionSettingKey& key, std::string_view text);

// Same value for the simulator: numbers compare within a millimetre (OpenSim keeps floats).
bool same_value(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace vergegrid::bridge::settings
