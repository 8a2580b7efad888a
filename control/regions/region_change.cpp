#include "control/regions/region_change.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "control/common/json_fields.hpp"
#include "control/regions/region_json.hpp"

namespace vergegrid::control {

namespace {

constexpr std::array<std::string_view, 3> kMajorFields{"size_x", "size_y", "physics_type"};
constexpr std::array<std::string_view, 11> kMinorFields{
    "name",          "estate_id",      "loc_x",
    "loc_y",         "host",           "port",
    "flags.enabled", "terrain_preset", "region_state_mode",
    "template_id",   "parcel_layout"};

Bump template_version_bump(const nlohmann::json& from, const nlohmann::json& to) {
    if (from.is_null() || to.is_null()) {
        return Bump::minor;
    }
    auto a = plugin_api::SemVer::parse(from.get<std::string>());
    auto b = plugin_api::SemVer::parse(to.get<std::string>());
    return a && b && a->major != b->major ? Bump::major : Bump::minor;
}

// Everything else is patch, among it `lifecycle` and `state_parts.*`: they change what the
// control plane keeps of the region's state, not the region itself.
Bump bump_of(const std::string& field, const nlohmann::json& from, const nlohmann::json& to) {
    if (std::find(kMajorFields.begin(), kMajorFields.end(), field) != kMajorFields.end()) {
        return Bump::major;
    }
    if (field == "template_version") {
        return template_version_bump(from, to);
    }
    if (std::find(kMinorFields.begin(), kMinorFields.end(), field) != kMinorFields.end() ||
        field.rfind("placement.", 0) == 0) {
        return Bump::minor;
    }
    return Bump::patch;
}

}  // namespace

RegionChange region_change(const RegionRecord& before, const RegionRecord& after) {
    const JsonFields a = json_fields(region_to_json(before));
    const JsonFields b = json_fields(region_to_json(after));
    RegionChange change;
    for (const auto& [field, from] : a) {
        if (field == "id" || field == "version") {
            continue;
        }
        const auto& to = b.at(field);
        if (from != to) {
            const Bump bump = bump_of(field, from, to);
            change.fields.push_back({field, from, to, bump});
            change.bump = std::max(change.bump, bump);
        }
    }
    return change;
}

nlohmann::json RegionChange::fields_to_json() const {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& f : fields) {
        items.push_back(
            {{"field", f.field}, {"from", f.from}, {"to", f.to}, {"bump", to_string(f.bump)}});
    }
    return items;
}

}  // namespace vergegrid::control
