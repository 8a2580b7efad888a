#include "control/templates/template_change.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "control/common/json_fields.hpp"

namespace vergegrid::control {

namespace {

constexpr std::array<std::string_view, 3> kMajorFields{"size_x", "size_y", "physics_type"};
constexpr std::array<std::string_view, 2> kMinorFields{"terrain_preset", "parcel_layout"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& fields, const std::string& field) {
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

Bump bump_of(const std::string& field) {
    if (listed(kMajorFields, field)) {
        return Bump::major;
    }
    if (listed(kMinorFields, field)) {
        return Bump::minor;
    }
    return Bump::patch;
}

}  // namespace

std::vector<TemplateFieldChange> template_field_changes(const nlohmann::json& before,
                                                        const nlohmann::json& after) {
    const JsonFields a = json_fields(before);
    const JsonFields b = json_fields(after);
    std::vector<TemplateFieldChange> changes;
    for (const auto& [field, from] : a) {
        const auto to = b.find(field);
        if (to != b.end() && to->second != from) {
            changes.push_back({field, from, to->second, bump_of(field)});
        }
    }
    return changes;
}

Bump largest_bump(const std::vector<TemplateFieldChange>& fields) {
    Bump bump = Bump::none;
    for (const auto& f : fields) {
        bump = std::max(bump, f.bump);
    }
    return bump;
}

nlohmann::json template_field_changes_to_json(const std::vector<TemplateFieldChange>& fields) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& f : fields) {
        items.push_back(
            {{"field", f.field}, {"from", f.from}, {"to", f.to}, {"bump", to_string(f.bump)}});
    }
    return items;
}

}  // namespace vergegrid::control
