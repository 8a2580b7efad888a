// The records a storage plugin persists. Plain values: the control plane validates and versions
// them; storage only stores and finds. Times are UTC ISO-8601 strings ("2026-11-26T21:48:00.123Z")
// so that every backend compares them the same way; JSON documents travel as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::plugin_api {

struct Estate {
    std::string id;  // UUID
    std::string name;
    std::string owner;  // avatar name or UUID of the estate owner in OpenSim
    std::string created_at;
    std::string updated_at;
};

// Supplement rows of a region (seed section 1). Each struct is one table keyed by region uuid.
struct RegionEnvironment {
    double water_height = 20.0;
    bool sun_fixed = false;
    double sun_position = 6.0;       // hours, 0..24
    std::string environment_preset;  // EEP preset name or asset UUID; empty = simulator default
};

struct RegionTerrain {
    double raise_limit = 100.0;
    double lower_limit = -100.0;
};

struct RegionPermissions {
    bool public_access = true;
    bool allow_damage = false;
    bool allow_terraform = false;
};

struct RegionFlags {
    bool enabled = true;
    bool allow_voice = true;
    bool allow_flying = true;
    bool allow_scripts = true;
    int max_prims = 15000;
    int max_agents = 40;
};

struct RegionPlacementRules {
    std::string simulator_id;  // pin; empty = placement decides
    std::vector<std::string> required_labels;
    std::vector<std::string> preferred_labels;
    std::vector<std::string> anti_affinity;
};

struct RegionTemplateData {
    std::optional<SemVer> template_version;  // set when the region was made from a template
    std::string parcel_layout;               // JSON text; empty = one parcel
};

// The largest region side in metres (OpenSim var regions). The host never stores a bigger one,
// so a storage plugin may rely on it to bound footprint searches.
inline constexpr int kMaxRegionSize = 8192;

// Desired state of one region: the regions row (exactly the seed's columns) and its supplements.
struct Region {
    std::string uuid;
    std::string name;
    std::string estate_id;
    std::string template_id;  // empty = not from a template
    int loc_x = 0;            // grid position in region units (256 m)
    int loc_y = 0;
    int size_x = 256;  // metres, a multiple of 256, at most kMaxRegionSize
    int size_y = 256;
    int port = 0;
    std::string host;
    std::string physics_type;
    std::string terrain_preset;
    int draw_distance_cap = 0;  // metres; 0 = no cap
    SemVer version;
    std::string region_state_mode;  // minimal, full or hybrid

    RegionEnvironment environment;
    RegionTerrain terrain;
    RegionPermissions permissions;
    RegionFlags flags;
    RegionPlacementRules placement;
    RegionTemplateData template_data;
};

struct RegionFilter {
    std::string name_prefix;
    std::string estate_id;
    std::string template_id;
    std::string host;
};

// One version of a region, written by every change (never updated, never deleted).
struct RegionHistoryEntry {
    std::string region_uuid;
    SemVer version;
    std::string change;  // create, update, rollback, upgrade-template, delete
    std::string spec;    // the full region as JSON text
    std::string actor;
    std::string request_id;
    std::string at;
};

struct Template {
    std::string id;  // UUID
    std::string name;
    SemVer version;    // the latest version
    std::string spec;  // JSON text of the latest version
    std::string created_at;
    std::string updated_at;
    std::string actor;  // on writes: who made this version (kept in template_versions)
};

struct TemplateVersion {
    std::string template_id;
    SemVer version;
    std::string spec;
    std::string actor;
    std::string at;
};

struct AuditEntry {
    std::int64_t id = 0;  // assigned by storage
    std::string at;
    std::string actor;        // authenticated identity ("anonymous" until auth lands)
    std::string action;       // region.create, region.update, estate.delete, ...
    std::string entity_type;  // region, estate, template
    std::string entity_id;
    std::string request_id;
    std::string before;  // JSON text, empty when created
    std::string after;   // JSON text, empty when deleted
};

struct AuditFilter {
    std::string actor;
    std::string action;
    std::string entity_type;
    std::string entity_id;
    std::string since;  // inclusive, ISO-8601
    std::string until;  // exclusive
};

}  // namespace vergegrid::plugin_api
