#include "control/regions/region_stub.hpp"

namespace vergegrid::control {

region_ini::RegionIniSpec stub_spec(const plugin_api::Region& region,
                                    const std::string& estate_name) {
    region_ini::RegionIniSpec spec;
    spec.name = region.name;
    spec.uuid = region.uuid;
    spec.loc_x = region.loc_x;
    spec.loc_y = region.loc_y;
    spec.size_x = region.size_x;
    spec.size_y = region.size_y;
    spec.internal_address = "0.0.0.0";  // listen on every interface of the simulator host
    spec.internal_port = region.port;
    spec.external_host_name = region.host;
    spec.max_prims = region.flags.max_prims;
    spec.max_agents = region.flags.max_agents;
    spec.target_estate = estate_name;
    return spec;
}

}  // namespace vergegrid::control
