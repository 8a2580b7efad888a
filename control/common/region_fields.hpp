// The fields regions and templates share, as JSON: how each one is read from a request (with its
// limits) and written in answers and history. The readers throw DomainError invalid_input (400)
// naming the field, like the JsonReader they extend.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/common/json_reader.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

inline constexpr std::size_t kMaxRegionName = 64;
using plugin_api::kMaxRegionSize;
inline constexpr int kMaxGridCoordinate =
    16'777'215;  // region units; loc * 256 must fit in 32 bits

// Each reader applies the fields present in `reader` onto `target` and leaves the rest alone.
void read_size(JsonReader& reader, int& size_x, int& size_y);
void read_physics_type(JsonReader& reader, std::string& physics_type);
void read_terrain_preset(JsonReader& reader, std::string& terrain_preset);
void read_environment(JsonReader& reader, plugin_api::RegionEnvironment& target);
void read_terrain(JsonReader& reader, plugin_api::RegionTerrain& target);
void read_permissions(JsonReader& reader, plugin_api::RegionPermissions& target);
void read_flags(JsonReader& reader, plugin_api::RegionFlags& target);
// What a request may ask of placement beyond the stored rules; never stored.
struct PlacementOptions {
    bool force = false;                       // keep the pin even when the policy refuses it
    bool affinity = false;                    // prefer the simulator of the map neighbours
    std::optional<std::pair<int, int>> near;  // put the region as close to this point as free
    std::string near_region;                  // ... or next to this region
};
// `options` null: the request may not carry options (history specs); `create` false: only
// "force" is accepted (PATCH).
void read_placement(JsonReader& reader, plugin_api::RegionPlacementRules& target,
                    PlacementOptions* options = nullptr, bool create = false);
// An array of parcels {"name", "x", "y", "width", "height"} (metres) inside the region; stored
// as JSON text ("" for none).
void read_parcel_layout(JsonReader& reader, std::string& parcel_layout);
// Parcels must lie inside a region of this size (checked again when the size changes):
// parcels_misfit says which does not, check_parcels_fit refuses it as a bad `field`.
std::optional<std::string> parcels_misfit(const std::string& parcel_layout, int size_x, int size_y);
void check_parcels_fit(const std::string& parcel_layout, int size_x, int size_y,
                       const std::string& field);

// A region's runtime-state policy (docs/snapshots.md): what its snapshots keep and what happens
// to its state when it is deleted. Versioned with the region like any other field, but stored
// beside it through the storage extension SnapshotLedger (ABI 1.5), since plugin_api::Region is
// frozen.
struct StateParts {  // the optional parts a `hybrid` region saves; all off by default
    bool prims = false;
    bool mesh = false;
    bool script_state = false;
    bool object_metadata = false;
    bool texture_refs = false;
    bool inventory_refs = false;
    bool operator==(const StateParts&) const = default;
};
struct StatePartField {
    const char* name;
    bool StateParts::*member;
};
// In the order the API shows them.
inline constexpr std::array<StatePartField, 6> kStatePartFields{{
    {"prims", &StateParts::prims},
    {"mesh", &StateParts::mesh},
    {"script_state", &StateParts::script_state},
    {"object_metadata", &StateParts::object_metadata},
    {"texture_refs", &StateParts::texture_refs},
    {"inventory_refs", &StateParts::inventory_refs},
}};
inline constexpr const char* kDefaultLifecycle = "persistent";
struct StatePolicy {
    std::string lifecycle = kDefaultLifecycle;  // ephemeral, persistent, premium
    StateParts parts;
    bool operator==(const StatePolicy&) const = default;
};

// "lifecycle": one of ephemeral, persistent, premium.
void read_lifecycle(JsonReader& reader, std::string& lifecycle);
// The object of `state_parts`: booleans, merged field by field; an unknown key is refused.
void read_state_parts(JsonReader& reader, StateParts& target);
nlohmann::json state_parts_to_json(const StateParts& parts);
// The parts switched on, by name, in kStatePartFields' order.
std::vector<std::string> state_parts_on(const StateParts& parts);
// The stored JSON object text (RegionStatePolicy::state_parts) back into parts; "" or a key it
// lacks reads as off (text written by an older or newer control plane stays readable).
StateParts state_parts_from_text(const std::string& text);

nlohmann::json environment_to_json(const plugin_api::RegionEnvironment& environment);
nlohmann::json terrain_to_json(const plugin_api::RegionTerrain& terrain);
nlohmann::json permissions_to_json(const plugin_api::RegionPermissions& permissions);
nlohmann::json flags_to_json(const plugin_api::RegionFlags& flags);
nlohmann::json placement_to_json(const plugin_api::RegionPlacementRules& placement);
nlohmann::json parcel_layout_to_json(const std::string& parcel_layout);

}  // namespace vergegrid::control
