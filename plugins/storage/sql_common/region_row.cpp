#include "region_row.hpp"

#include <soci/boost-optional.h>
#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "strict_json/strict_json.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

const char* const kRegionColumns =
    "SELECT r.uuid, r.name, r.estate_id, r.template_id, r.loc_x, r.loc_y, r.size_x, r.size_y, "
    "COALESCE(r.port, 0), COALESCE(r.host, ''), r.physics_type, r.terrain_preset, "
    "r.draw_distance_cap, r.version_major, r.version_minor, r.version_patch, "
    "r.region_state_mode, r.water_height, r.sun_fixed, r.sun_position, r.environment_preset, "
    "r.raise_limit, r.lower_limit, r.public_access, r.allow_damage, r.allow_terraform, "
    "r.enabled, r.allow_voice, r.allow_flying, r.allow_scripts, r.max_prims, r.max_agents, "
    "r.placement_simulator_id, r.required_labels, r.preferred_labels, r.anti_affinity, "
    "r.template_version_major, r.template_version_minor, r.template_version_patch, "
    "r.parcel_layout";

const std::string kRegionSelect = std::string(kRegionColumns) + " FROM regions r";

void bind_region_row(soci::statement& st, RegionRow& row) {
    api::Region& r = row.region;
    st.exchange(soci::into(r.uuid));
    st.exchange(soci::into(r.name));
    st.exchange(soci::into(r.estate_id));
    st.exchange(soci::into(row.template_id));
    st.exchange(soci::into(r.loc_x));
    st.exchange(soci::into(r.loc_y));
    st.exchange(soci::into(r.size_x));
    st.exchange(soci::into(r.size_y));
    st.exchange(soci::into(r.port));
    st.exchange(soci::into(r.host));
    st.exchange(soci::into(r.physics_type));
    st.exchange(soci::into(r.terrain_preset));
    st.exchange(soci::into(r.draw_distance_cap));
    st.exchange(soci::into(r.version.major));
    st.exchange(soci::into(r.version.minor));
    st.exchange(soci::into(r.version.patch));
    st.exchange(soci::into(r.region_state_mode));

    st.exchange(soci::into(r.environment.water_height));
    st.exchange(soci::into(row.sun_fixed));
    st.exchange(soci::into(r.environment.sun_position));
    st.exchange(soci::into(r.environment.environment_preset));

    st.exchange(soci::into(r.terrain.raise_limit));
    st.exchange(soci::into(r.terrain.lower_limit));

    st.exchange(soci::into(row.public_access));
    st.exchange(soci::into(row.allow_damage));
    st.exchange(soci::into(row.allow_terraform));

    st.exchange(soci::into(row.enabled));
    st.exchange(soci::into(row.allow_voice));
    st.exchange(soci::into(row.allow_flying));
    st.exchange(soci::into(row.allow_scripts));
    st.exchange(soci::into(r.flags.max_prims));
    st.exchange(soci::into(r.flags.max_agents));

    st.exchange(soci::into(r.placement.simulator_id));
    st.exchange(soci::into(row.required_labels));
    st.exchange(soci::into(row.preferred_labels));
    st.exchange(soci::into(row.anti_affinity));

    st.exchange(soci::into(row.template_major));
    st.exchange(soci::into(row.template_minor));
    st.exchange(soci::into(row.template_patch));
    st.exchange(soci::into(r.template_data.parcel_layout));
}

std::vector<std::string> labels_from_json(const std::string& text, const std::string& what) {
    try {
        return strict_json::parse(text).get<std::vector<std::string>>();
    } catch (const std::exception& e) {  // strict_json::Refused, or not an array of strings
        throw api::StorageError(what + " is not a JSON array of strings: " + e.what());
    }
}

namespace {

std::vector<std::string> placement_labels(const std::string& text, const std::string& column,
                                          const std::string& region_uuid) {
    return labels_from_json(text, "region " + region_uuid + ": regions." + column);
}

}  // namespace

api::Region to_region(const RegionRow& row) {
    api::Region region = row.region;
    region.template_id = row.template_id.value_or(std::string());
    region.environment.sun_fixed = row.sun_fixed != 0;
    region.permissions.public_access = row.public_access != 0;
    region.permissions.allow_damage = row.allow_damage != 0;
    region.permissions.allow_terraform = row.allow_terraform != 0;
    region.flags.enabled = row.enabled != 0;
    region.flags.allow_voice = row.allow_voice != 0;
    region.flags.allow_flying = row.allow_flying != 0;
    region.flags.allow_scripts = row.allow_scripts != 0;
    region.placement.required_labels =
        placement_labels(row.required_labels, "required_labels", region.uuid);
    region.placement.preferred_labels =
        placement_labels(row.preferred_labels, "preferred_labels", region.uuid);
    region.placement.anti_affinity =
        placement_labels(row.anti_affinity, "anti_affinity", region.uuid);
    if (row.template_major && row.template_minor && row.template_patch) {
        region.template_data.template_version =
            api::SemVer{*row.template_major, *row.template_minor, *row.template_patch};
    } else {
        region.template_data.template_version.reset();
    }
    return region;
}

std::string labels_to_json(const std::vector<std::string>& labels) {
    try {
        return nlohmann::json(labels).dump();
    } catch (const nlohmann::json::exception& e) {
        throw api::StorageError(std::string("a label is not valid UTF-8: ") + e.what());
    }
}

const char* const kFootprintSelect =
    "SELECT r.uuid, r.name, r.placement_simulator_id, COALESCE(r.host, ''), COALESCE(r.port, 0), "
    "r.loc_x, r.loc_y, r.size_x, r.size_y FROM regions r ";

void bind_footprint(soci::statement& st, api::RegionFootprint& footprint) {
    st.exchange(soci::into(footprint.uuid));
    st.exchange(soci::into(footprint.name));
    st.exchange(soci::into(footprint.simulator_id));
    st.exchange(soci::into(footprint.host));
    st.exchange(soci::into(footprint.port));
    st.exchange(soci::into(footprint.loc_x));
    st.exchange(soci::into(footprint.loc_y));
    st.exchange(soci::into(footprint.size_x));
    st.exchange(soci::into(footprint.size_y));
}

}  // namespace vergegrid::plugins::sql
