#include "control/regions/operation_spec.hpp"

#include "control/regions/region_json.hpp"

namespace vergegrid::control {

nlohmann::json operation_spec(plugin_api::StorageTransaction& tx, const plugin_api::Region& region,
                              bool apply_restart) {
    auto spec = region_config_to_json(region);
    // The estate travels by value: the bridge has no way to look it up, and the operation must
    // carry what the estate was when the change was made.
    const auto estate = tx.find_estate(region.estate_id);
    spec["estate"] = {{"id", region.estate_id},
                      {"name", estate ? estate->name : ""},
                      {"owner", estate ? estate->owner : ""}};
    if (apply_restart) {
        spec["apply_restart"] = true;
    }
    return spec;
}

}  // namespace vergegrid::control
