#include "control/templates/template_spec.hpp"

#include "control/common/region_fields.hpp"
#include "control/templates/template_change.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

nlohmann::json template_spec_to_json(const TemplateSpec& spec) {
    return {{"size_x", spec.size_x},
            {"size_y", spec.size_y},
            {"physics_type", spec.physics_type},
            {"terrain_preset", spec.terrain_preset},
            {"environment", environment_to_json(spec.environment)},
            {"flags", flags_to_json(spec.flags)},
            {"parcel_layout", parcel_layout_to_json(spec.parcel_layout)}};
}

void read_template_spec(JsonReader& reader, TemplateSpec& spec) {
    read_size(reader, spec.size_x, spec.size_y);
    read_physics_type(reader, spec.physics_type);
    read_terrain_preset(reader, spec.terrain_preset);
    if (auto environment = reader.object("environment")) {
        read_environment(*environment, spec.environment);
    }
    if (auto flags = reader.object("flags")) {
        read_flags(*flags, spec.flags);
    }
    read_parcel_layout(reader, spec.parcel_layout);
    check_parcels_fit(spec.parcel_layout, spec.size_x, spec.size_y, reader.field("parcel_layout"));
}

TemplateSpec template_spec_from_text(const std::string& json_text) {
    const auto document = strict_json::parse(json_text);
    JsonReader reader(document, "spec");
    TemplateSpec spec;
    read_template_spec(reader, spec);
    return spec;
}

Bump template_bump(const TemplateSpec& before, const TemplateSpec& after) {
    return largest_bump(
        template_field_changes(template_spec_to_json(before), template_spec_to_json(after)));
}

}  // namespace vergegrid::control
