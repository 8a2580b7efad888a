#include "control/common/region_fields.hpp"

#include <array>

#include "control/common/clock.hpp"
#include "control/domain/domain_error.hpp"
#include "strict_json/strict_json.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

namespace {

// OpenSim's physics engines ([Startup] physics).
constexpr std::array<const char*, 5> kPhysicsTypes{"BulletSim", "ubODE", "OpenDynamicsEngine",
                                                   "basicphysics", "POS"};

template <typename T>
void assign(std::optional<T> value, T& target) {
    if (value) {
        target = std::move(*value);
    }
}

}  // namespace

void read_size(JsonReader& reader, int& size_x, int& size_y) {
    for (auto [key, target] : {std::pair{"size_x", &size_x}, std::pair{"size_y", &size_y}}) {
        if (auto size = reader.integer(key, 256, kMaxRegionSize)) {
            if (*size % 256 != 0) {
                throw DomainError::invalid_field(
                    reader.field(key), "must be a multiple of 256 (OpenSim region units)");
            }
            *target = *size;
        }
    }
}

void read_physics_type(JsonReader& reader, std::string& physics_type) {
    if (auto value = reader.string("physics_type", 64)) {
        for (const char* known : kPhysicsTypes) {
            if (*value == known) {
                physics_type = *value;
                return;
            }
        }
        throw DomainError::invalid_field(
            reader.field("physics_type"),
            "must be one of BulletSim, ubODE, OpenDynamicsEngine, basicphysics, POS");
    }
}

void read_terrain_preset(JsonReader& reader, std::string& terrain_preset) {
    if (auto value = reader.string("terrain_preset", 64)) {
        const bool valid =
            !value->empty() &&
            value->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
        if (!valid) {
            throw DomainError::invalid_field(
                reader.field("terrain_preset"),
                "must be 1-64 of lower-case letters, digits, '-' and '_'");
        }
        terrain_preset = *value;
    }
}

void read_environment(JsonReader& reader, plugin_api::RegionEnvironment& target) {
    assign(reader.number("water_height", 0, 10000), target.water_height);
    assign(reader.boolean("sun_fixed"), target.sun_fixed);
    assign(reader.number("sun_position", 0, 24), target.sun_position);
    if (auto preset = reader.nullable_string("environment_preset", 128)) {
        for (unsigned char c : *preset) {
            if (c < 0x20) {
                throw DomainError::invalid_field(reader.field("environment_preset"),
                                                 "must not contain control characters");
            }
        }
        target.environment_preset = *preset;
    }
    reader.reject_unknown();
}

void read_terrain(JsonReader& reader, plugin_api::RegionTerrain& target) {
    assign(reader.number("raise_limit", 0, 10000), target.raise_limit);
    assign(reader.number("lower_limit", -10000, 0), target.lower_limit);
    reader.reject_unknown();
}

void read_permissions(JsonReader& reader, plugin_api::RegionPermissions& target) {
    assign(reader.boolean("public_access"), target.public_access);
    assign(reader.boolean("allow_damage"), target.allow_damage);
    assign(reader.boolean("allow_terraform"), target.allow_terraform);
    reader.reject_unknown();
}

void read_flags(JsonReader& reader, plugin_api::RegionFlags& target) {
    assign(reader.boolean("enabled"), target.enabled);
    assign(reader.boolean("allow_voice"), target.allow_voice);
    assign(reader.boolean("allow_flying"), target.allow_flying);
    assign(reader.boolean("allow_scripts"), target.allow_scripts);
    assign(reader.integer("max_prims", 0, 1'000'000), target.max_prims);
    assign(reader.integer("max_agents", 0, 1000), target.max_agents);
    reader.reject_unknown();
}

void read_placement(JsonReader& reader, plugin_api::RegionPlacementRules& target,
                    PlacementOptions* options, bool create) {
    if (options != nullptr) {
        assign(reader.boolean("force"), options->force);
        if (create) {
            assign(reader.boolean("affinity"), options->affinity);
            if (auto near = reader.object("near")) {
                auto x = near->integer("x", 0, kMaxGridCoordinate);
                auto y = near->integer("y", 0, kMaxGridCoordinate);
                near->reject_unknown();
                if (!x || !y) {
                    throw DomainError::invalid_field(reader.field("near"),
                                                     "must be {\"x\": ..., \"y\": ...}");
                }
                options->near = std::pair{*x, *y};
            }
            if (auto name = reader.name("near_region", kMaxRegionName)) {
                options->near_region = *name;
            }
        } else {
            for (const char* key : {"affinity", "near", "near_region"}) {
                reader.forbid(key, "is only read when a region is created");
            }
        }
    }
    if (auto simulator = reader.nullable_string("simulator_id", 36)) {
        if (!simulator->empty() && !uuid_text::is_canonical(*simulator)) {
            throw DomainError::invalid_field(reader.field("simulator_id"),
                                             "must be a simulator id (UUID) or null");
        }
        target.simulator_id = *simulator;
    }
    assign(reader.string_list("required_labels", 32, 64), target.required_labels);
    assign(reader.string_list("preferred_labels", 32, 64), target.preferred_labels);
    assign(reader.string_list("anti_affinity", 32, 64), target.anti_affinity);
    reader.reject_unknown();
}

void read_parcel_layout(JsonReader& reader, std::string& parcel_layout) {
    const auto* value = reader.raw("parcel_layout");
    if (value == nullptr) {
        return;
    }
    const std::string field = reader.field("parcel_layout");
    if (value->is_null()) {
        parcel_layout.clear();
        return;
    }
    if (!value->is_array() || value->size() > 256) {
        throw DomainError::invalid_field(field, "must be an array of at most 256 parcels, or null");
    }
    nlohmann::json parcels = nlohmann::json::array();
    for (std::size_t i = 0; i < value->size(); ++i) {
        JsonReader parcel((*value)[i], field + "[" + std::to_string(i) + "]");
        auto name = parcel.name("name", 64);
        auto x = parcel.integer("x", 0, kMaxRegionSize);
        auto y = parcel.integer("y", 0, kMaxRegionSize);
        auto width = parcel.integer("width", 4, kMaxRegionSize);
        auto height = parcel.integer("height", 4, kMaxRegionSize);
        parcel.reject_unknown();
        if (!name || !x || !y || !width || !height) {
            throw DomainError::invalid_field(parcel.field("name"),
                                             "a parcel needs name, x, y, width and height");
        }
        parcels.push_back(
            {{"name", *name}, {"x", *x}, {"y", *y}, {"width", *width}, {"height", *height}});
    }
    parcel_layout = parcels.empty() ? "" : parcels.dump();
}

std::optional<std::string> parcels_misfit(const std::string& parcel_layout, int size_x,
                                          int size_y) {
    if (parcel_layout.empty()) {
        return std::nullopt;
    }
    for (const auto& parcel : strict_json::parse(parcel_layout)) {
        if (parcel.at("x").get<int>() + parcel.at("width").get<int>() > size_x ||
            parcel.at("y").get<int>() + parcel.at("height").get<int>() > size_y) {
            return "parcel '" + parcel.at("name").get<std::string>() + "' does not fit in a " +
                   std::to_string(size_x) + "x" + std::to_string(size_y) + " region";
        }
    }
    return std::nullopt;
}

void check_parcels_fit(const std::string& parcel_layout, int size_x, int size_y,
                       const std::string& field) {
    if (auto misfit = parcels_misfit(parcel_layout, size_x, size_y)) {
        throw DomainError::invalid_field(field, *misfit);
    }
}

void read_lifecycle(JsonReader& reader, std::string& lifecycle) {
    if (auto value = reader.string("lifecycle", 16)) {
        if (*value != "ephemeral" && *value != "persistent" && *value != "premium") {
            throw DomainError::invalid_field(reader.field("lifecycle"),
                                             "must be one of ephemeral, persistent, premium");
        }
        lifecycle = *value;
    }
}

void read_state_parts(JsonReader& reader, StateParts& target) {
    for (const auto& [name, member] : kStatePartFields) {
        assign(reader.boolean(name), target.*member);
    }
    reader.reject_unknown();
}

nlohmann::json state_parts_to_json(const StateParts& parts) {
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [name, member] : kStatePartFields) {
        json[name] = parts.*member;
    }
    return json;
}

std::vector<std::string> state_parts_on(const StateParts& parts) {
    std::vector<std::string> names;
    for (const auto& [name, member] : kStatePartFields) {
        if (parts.*member) {
            names.emplace_back(name);
        }
    }
    return names;
}

StateParts state_parts_from_text(const std::string& text) {
    StateParts parts;
    if (text.empty()) {
        return parts;
    }
    const auto document = strict_json::parse(text);
    for (const auto& [name, member] : kStatePartFields) {
        if (auto it = document.find(name); it != document.end() && it->is_boolean()) {
            parts.*member = it->get<bool>();
        }
    }
    return parts;
}

// Field by field, as region_config_to_json (region_json.cpp) says why.
nlohmann::json environment_to_json(const plugin_api::RegionEnvironment& e) {
    nlohmann::json json = nlohmann::json::object();
    json["water_height"] = e.water_height;
    json["sun_fixed"] = e.sun_fixed;
    json["sun_position"] = e.sun_position;
    json["environment_preset"] = e.environment_preset.empty()
                                     ? nlohmann::json(nullptr)
                                     : nlohmann::json(e.environment_preset);
    return json;
}

nlohmann::json terrain_to_json(const plugin_api::RegionTerrain& t) {
    nlohmann::json json = nlohmann::json::object();
    json["raise_limit"] = t.raise_limit;
    json["lower_limit"] = t.lower_limit;
    return json;
}

nlohmann::json permissions_to_json(const plugin_api::RegionPermissions& p) {
    nlohmann::json json = nlohmann::json::object();
    json["public_access"] = p.public_access;
    json["allow_damage"] = p.allow_damage;
    json["allow_terraform"] = p.allow_terraform;
    return json;
}

nlohmann::json flags_to_json(const plugin_api::RegionFlags& f) {
    nlohmann::json json = nlohmann::json::object();
    json["enabled"] = f.enabled;
    json["allow_voice"] = f.allow_voice;
    json["allow_flying"] = f.allow_flying;
    json["allow_scripts"] = f.allow_scripts;
    json["max_prims"] = f.max_prims;
    json["max_agents"] = f.max_agents;
    return json;
}

nlohmann::json placement_to_json(const plugin_api::RegionPlacementRules& p) {
    nlohmann::json json = nlohmann::json::object();
    json["simulator_id"] =
        p.simulator_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.simulator_id);
    json["required_labels"] = p.required_labels;
    json["preferred_labels"] = p.preferred_labels;
    json["anti_affinity"] = p.anti_affinity;
    return json;
}

nlohmann::json parcel_layout_to_json(const std::string& parcel_layout) {
    return parcel_layout.empty() ? nlohmann::json(nullptr) : strict_json::parse(parcel_layout);
}

}  // namespace vergegrid::control
