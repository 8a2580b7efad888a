// What a template holds (seed section 2): size, physics, terrain preset, environment, parcel
// layout and flags. Stored as JSON text in templates.spec and template_versions.spec.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/common/json_reader.hpp"
#include "control/common/version_bump.hpp"
#include "vergegrid/plugin_api/semver.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

struct TemplateSpec {
    int size_x = 256;
    int size_y = 256;
    std::string physics_type = "BulletSim";
    std::string terrain_preset = "flat";
    plugin_api::RegionEnvironment environment;
    plugin_api::RegionFlags flags;
    std::string parcel_layout;  // JSON text, "" = none
};

nlohmann::json template_spec_to_json(const TemplateSpec& spec);
// Applies the spec fields present in `reader` onto `spec` (nested objects merge field by field).
void read_template_spec(JsonReader& reader, TemplateSpec& spec);
TemplateSpec template_spec_from_text(const std::string& json_text);

// The largest bump of the fields that differ (template_change.hpp has the rule).
Bump template_bump(const TemplateSpec& before, const TemplateSpec& after);

}  // namespace vergegrid::control
