// The Regions/<name>.ini section of a region, as OpenSim's region loader reads it.
#pragma once

#include <string>

#include "region_ini/region_ini.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

region_ini::RegionIniSpec stub_spec(const plugin_api::Region& region,
                                    const std::string& estate_name);

}  // namespace vergegrid::control
