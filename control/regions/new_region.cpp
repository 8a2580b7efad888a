#include "control/regions/new_region.hpp"

#include "control/domain/domain_error.hpp"
#include "control/regions/region_json.hpp"
#include "control/templates/template_spec.hpp"

namespace vergegrid::control {

using plugin_api::Region;

namespace {

// The state policy's defaults are StatePolicy's (persistent, no optional parts); templates carry
// no state policy.
RegionRecord region_defaults() {
    RegionRecord region;
    region.physics_type = "BulletSim";
    region.terrain_preset = "flat";
    region.draw_distance_cap = 0;
    region.region_state_mode = "hybrid";
    region.version = {1, 0, 0};
    return region;
}

}  // namespace

void apply_template(Region& region, const plugin_api::Template& tmpl) {
    const TemplateSpec spec = template_spec_from_text(tmpl.spec);
    region.size_x = spec.size_x;
    region.size_y = spec.size_y;
    region.physics_type = spec.physics_type;
    region.terrain_preset = spec.terrain_preset;
    region.environment = spec.environment;
    region.flags = spec.flags;
    region.template_data.parcel_layout = spec.parcel_layout;
    region.template_id = tmpl.id;
    region.template_data.template_version = tmpl.version;
}

NewRegion read_new_region(plugin_api::StorageTransaction& tx, const nlohmann::json& body,
                          const std::string& path) {
    JsonReader reader(body, path);
    NewRegion result{region_defaults(), {}, {}};
    RegionRecord& region = result.region;
    if (auto template_id = reader.nullable_string("template_id", 36);
        template_id && !template_id->empty()) {
        auto tmpl = tx.find_template(*template_id);
        if (!tmpl) {
            throw DomainError(Fault::unprocessable, "unknown_reference",
                              "no template with id '" + *template_id + "'",
                              reader.field("template_id"));
        }
        apply_template(region, *tmpl);
    }
    result.given = {reader.has("loc_x") || reader.has("loc_y"), reader.has("host"),
                    reader.has("port")};
    read_region_fields(reader, region, &result.options, true);
    result.require_placement = reader.boolean("require_placement").value_or(false);
    reader.reject_unknown();
    for (const char* key : {"name", "estate_id"}) {
        if (!reader.has(key)) {
            throw DomainError::invalid_field(reader.field(key), "is required");
        }
    }
    if (result.given.location && !(reader.has("loc_x") && reader.has("loc_y"))) {
        throw DomainError::invalid_field(reader.field(reader.has("loc_x") ? "loc_y" : "loc_x"),
                                         "is required with the other coordinate (or leave both "
                                         "out and let placement choose)");
    }
    if (result.given.host && !result.given.port) {
        throw DomainError::invalid_field(reader.field("port"),
                                         "is required with host (or leave both out and let "
                                         "placement choose)");
    }
    return result;
}

}  // namespace vergegrid::control
