#include "control/regions/region_json.hpp"

#include "control/common/clock.hpp"
#include "control/common/host_name.hpp"
#include "control/common/region_fields.hpp"
#include "control/domain/domain_error.hpp"
#include "strict_json/strict_json.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

using plugin_api::Region;

namespace {

nlohmann::json id_or_null(const std::string& id) {
    return id.empty() ? nlohmann::json(nullptr) : nlohmann::json(id);
}

void read_host(JsonReader& reader, std::string& host) {
    auto value = reader.string("host", 253);
    if (!value) {
        return;
    }
    if (!is_host_name(*value)) {
        throw DomainError::invalid_field(reader.field("host"), kHostNameRule);
    }
    host = *value;
}

void read_state_mode(JsonReader& reader, std::string& mode) {
    if (auto value = reader.string("region_state_mode", 16)) {
        if (*value != "minimal" && *value != "full" && *value != "hybrid") {
            throw DomainError::invalid_field(reader.field("region_state_mode"),
                                             "must be one of minimal, full, hybrid");
        }
        mode = *value;
    }
}

}  // namespace

// Built field by field rather than from an initializer list, which makes every pair a
// two-element array first: three times slower (9.3 against 3.3 µs for a region), and every
// create builds the document twice, once inside the shared write transaction
// (docs/benchmarks.md, "Grid scale").
nlohmann::json region_config_to_json(const Region& r) {
    nlohmann::json json = nlohmann::json::object();
    json["id"] = r.uuid;
    json["name"] = r.name;
    json["estate_id"] = r.estate_id;
    json["template_id"] = id_or_null(r.template_id);
    json["template_version"] = r.template_data.template_version
                                   ? nlohmann::json(r.template_data.template_version->to_string())
                                   : nlohmann::json(nullptr);
    json["loc_x"] = r.loc_x;
    json["loc_y"] = r.loc_y;
    json["size_x"] = r.size_x;
    json["size_y"] = r.size_y;
    json["port"] = r.port;
    json["host"] = r.host;
    json["physics_type"] = r.physics_type;
    json["terrain_preset"] = r.terrain_preset;
    json["draw_distance_cap"] = r.draw_distance_cap;
    json["region_state_mode"] = r.region_state_mode;
    json["version"] = r.version.to_string();
    json["environment"] = environment_to_json(r.environment);
    json["terrain"] = terrain_to_json(r.terrain);
    json["permissions"] = permissions_to_json(r.permissions);
    json["flags"] = flags_to_json(r.flags);
    json["placement"] = placement_to_json(r.placement);
    json["parcel_layout"] = parcel_layout_to_json(r.template_data.parcel_layout);
    return json;
}

nlohmann::json region_to_json(const RegionRecord& r) {
    auto json = region_config_to_json(r);
    json["lifecycle"] = r.state.lifecycle;
    json["state_parts"] = state_parts_to_json(r.state.parts);
    return json;
}

namespace {

// What an answer adds to region_to_json: derived, not versioned.
nlohmann::json derived_members(const RegionRecord& region) {
    nlohmann::json json = nlohmann::json::object();
    json["pending_restart"] = region.pending_restart;
    json["placement_state"] = region.placement_pending ? "pending" : "placed";
    json["placement_reasons"] = region.placement_reasons;
    return json;
}

}  // namespace

nlohmann::json region_answer_json(const RegionRecord& region) {
    auto json = region_to_json(region);
    json.update(derived_members(region));
    return json;
}

std::string region_answer_text(std::string document, const RegionRecord& region,
                               const nlohmann::json& more) {
    if (document.empty()) {
        auto json = region_answer_json(region);
        json.update(more);
        return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    auto members = derived_members(region);
    members.update(more);
    // Both are objects as nlohmann dumps them, "{...}", with no member in common: the
    // document's closing brace gives way to the members.
    const std::string added =
        members.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    document.back() = ',';
    document.append(added, 1, std::string::npos);
    return document;
}

void read_region_fields(JsonReader& reader, RegionRecord& region, PlacementOptions* options,
                        bool create) {
    if (auto name = reader.name("name", kMaxRegionName)) {
        if (name->find_first_of("[]") != std::string::npos) {
            throw DomainError::invalid_field(
                reader.field("name"),
                "must not contain '[' or ']' (it names the Regions.ini section)");
        }
        region.name = *name;
    }
    if (auto estate = reader.string("estate_id", 36)) {
        if (!uuid_text::is_canonical(*estate)) {
            throw DomainError::invalid_field(reader.field("estate_id"),
                                             "must be an estate id (UUID)");
        }
        region.estate_id = *estate;
    }
    if (auto x = reader.integer("loc_x", 0, kMaxGridCoordinate)) {
        region.loc_x = *x;
    }
    if (auto y = reader.integer("loc_y", 0, kMaxGridCoordinate)) {
        region.loc_y = *y;
    }
    read_size(reader, region.size_x, region.size_y);
    if (auto port = reader.integer("port", 1, 65535)) {
        region.port = *port;
    }
    read_host(reader, region.host);
    read_physics_type(reader, region.physics_type);
    read_terrain_preset(reader, region.terrain_preset);
    if (auto cap = reader.integer("draw_distance_cap", 0, 4096)) {
        region.draw_distance_cap = *cap;
    }
    read_state_mode(reader, region.region_state_mode);
    if (auto environment = reader.object("environment")) {
        read_environment(*environment, region.environment);
    }
    if (auto terrain = reader.object("terrain")) {
        read_terrain(*terrain, region.terrain);
    }
    if (auto permissions = reader.object("permissions")) {
        read_permissions(*permissions, region.permissions);
    }
    if (auto flags = reader.object("flags")) {
        read_flags(*flags, region.flags);
    }
    if (auto placement = reader.object("placement")) {
        read_placement(*placement, region.placement, options, create);
    }
    read_lifecycle(reader, region.state.lifecycle);
    if (auto parts = reader.object("state_parts")) {
        read_state_parts(*parts, region.state.parts);
    }
    read_parcel_layout(reader, region.template_data.parcel_layout);
    check_parcels_fit(region.template_data.parcel_layout, region.size_x, region.size_y,
                      reader.field("parcel_layout"));
    reader.forbid("id", "is assigned by the server");
    reader.forbid("version", "is assigned by the server");
    reader.forbid("template_version", "changes only through upgrade-template");
}

RegionRecord region_from_spec(const std::string& spec) {
    auto document = strict_json::parse(spec);
    // A spec written before lifecycle and state_parts existed lacks them: the defaults apply.
    RegionRecord region;
    region.uuid = document.at("id").get<std::string>();
    region.version = *plugin_api::SemVer::parse(document.at("version").get<std::string>());
    region.template_id =
        document.at("template_id").is_null() ? "" : document.at("template_id").get<std::string>();
    if (!document.at("template_version").is_null()) {
        region.template_data.template_version =
            plugin_api::SemVer::parse(document.at("template_version").get<std::string>());
    }
    for (const char* key : {"id", "version", "template_id", "template_version"}) {
        document.erase(key);
    }
    // A version written while the region was pending (docs/api.md, "Pending regions") has no
    // host and port: none to read.
    const bool pending = document.value("host", nlohmann::json()) == "" &&
                         document.value("port", nlohmann::json()) == 0;
    if (pending) {
        document.erase("host");
        document.erase("port");
        region.host.clear();
        region.port = 0;
    }
    JsonReader reader(document, "spec");
    read_region_fields(reader, region);
    reader.reject_unknown();
    return region;
}

}  // namespace vergegrid::control
