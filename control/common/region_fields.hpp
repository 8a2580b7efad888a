// The fields regions and templates share, as JSON: how each one is read from a request (with its
// limits) and written in answers and history. The readers throw DomainError invalid_input (400)
// naming the field, like the JsonReader they extend.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

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

nlohmann::json environment_to_json(const plugin_api::RegionEnvironment& environment);
nlohmann::json terrain_to_json(const plugin_api::RegionTerrain& terrain);
nlohmann::json permissions_to_json(const plugin_api::RegionPermissions& permissions);
nlohmann::json flags_to_json(const plugin_api::RegionFlags& flags);
nlohmann::json placement_to_json(const plugin_api::RegionPlacementRules& placement);
nlohmann::json parcel_layout_to_json(const std::string& parcel_layout);

}  // namespace vergegrid::control
