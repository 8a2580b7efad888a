// Renders a region as the Regions/*.ini section OpenSim's region loader reads. Shared by the
// control plane (GET /api/v1/regions/{id}/stub) and the sim bridge (stub files), so the two can
// never disagree on the format.
#pragma once

#include <string>

namespace vergegrid::region_ini {

struct RegionIniSpec {
    std::string name;  // the section name; must not contain '[', ']' or a line break
    std::string uuid;
    int loc_x = 0;  // region units
    int loc_y = 0;
    int size_x = 256;  // metres
    int size_y = 256;
    std::string internal_address = "0.0.0.0";
    int internal_port = 0;
    std::string external_host_name;  // a host name, an IP, or SYSTEMIP
    int max_prims = 0;               // 0 = leave OpenSim's default
    int max_agents = 0;              // 0 = leave OpenSim's default
    std::string target_estate;       // estate name; applied by OpenSim only to a region without one
};

// Values with ';' or '#' (comment characters to OpenSim's reader) or blanks at their ends are
// written in double quotes, which OpenSim's reader strips. Throws std::invalid_argument when a
// value cannot be written so that OpenSim reads it back unchanged: a control character or line
// break anywhere, '"' in a value, '[' or ']' or blanks at the ends of the name, an empty
// required value, a port outside 1-65535.
std::string render(const RegionIniSpec& spec);

}  // namespace vergegrid::region_ini
