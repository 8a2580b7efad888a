// Which fields a change touches and which part of the version it bumps (docs/versioning.md):
//   major  the simulator must recreate the region: size, physics, template major
//   minor  other structural changes: name, location, estate, host/port, enabled, terrain preset,
//          state mode, template reference, parcel layout, placement
//   patch  cosmetic: environment, terrain limits, permissions, flags other than enabled, prim
//          and agent limits, voice/flying/scripts, draw distance, lifecycle, state parts
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/common/version_bump.hpp"
#include "control/regions/region_record.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

struct FieldChange {
    std::string field;  // dotted path, "flags.max_prims"
    nlohmann::json from;
    nlohmann::json to;
    Bump bump;
};

struct RegionChange {
    Bump bump = Bump::none;  // the largest of the fields'
    std::vector<FieldChange> fields;
    nlohmann::json fields_to_json() const;
};

RegionChange region_change(const RegionRecord& before, const RegionRecord& after);

}  // namespace vergegrid::control
