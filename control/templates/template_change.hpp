// Which fields of a template a change touches and which part of the version each bumps
// (docs/versioning.md): major when regions made from it must be recreated (size, physics), minor
// for other structural changes (terrain preset, parcel layout), patch for cosmetic ones
// (environment, flags) and a rename. A save and its dry run both take their bump from here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/common/version_bump.hpp"

namespace vergegrid::control {

struct TemplateFieldChange {
    std::string field;  // dotted path, "environment.water_height"; the layout is one field
    nlohmann::json from;
    nlohmann::json to;
    Bump bump = Bump::none;
};

// `before` and `after` are templates as template_spec_to_json (plus "name") writes them.
std::vector<TemplateFieldChange> template_field_changes(const nlohmann::json& before,
                                                        const nlohmann::json& after);
Bump largest_bump(const std::vector<TemplateFieldChange>& fields);
nlohmann::json template_field_changes_to_json(const std::vector<TemplateFieldChange>& fields);

}  // namespace vergegrid::control
