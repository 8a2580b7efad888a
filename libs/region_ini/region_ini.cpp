#include "region_ini.hpp"

#include <stdexcept>

namespace vergegrid::region_ini {

namespace {

void require_single_line(const std::string& key, const std::string& value) {
    if (value.find_first_of("\r\n") != std::string::npos) {
        throw std::invalid_argument(key + " must be a single line");
    }
}

void require_present(const std::string& key, const std::string& value) {
    if (value.empty()) {
        throw std::invalid_argument(key + " is required");
    }
    require_single_line(key, value);
}

}  // namespace

std::string render(const RegionIniSpec& spec) {
    require_present("name", spec.name);
    if (spec.name.find_first_of("[]") != std::string::npos) {
        throw std::invalid_argument("name must not contain '[' or ']'");
    }
    require_present("uuid", spec.uuid);
    require_present("internal_address", spec.internal_address);
    require_present("external_host_name", spec.external_host_name);
    require_single_line("target_estate", spec.target_estate);
    if (spec.internal_port <= 0 || spec.internal_port > 65535) {
        throw std::invalid_argument("internal_port must be 1-65535");
    }

    // The five keys OpenSim requires come first; with them alone a region loads without a
    // console prompt. The rest are optional and written only when they say something.
    std::string ini = "[" + spec.name + "]\n";
    auto line = [&ini](const std::string& key, const std::string& value) {
        ini += key + " = " + value + "\n";
    };
    line("RegionUUID", spec.uuid);
    line("Location", std::to_string(spec.loc_x) + "," + std::to_string(spec.loc_y));
    line("InternalAddress", spec.internal_address);
    line("InternalPort", std::to_string(spec.internal_port));
    line("ExternalHostName", spec.external_host_name);
    line("SizeX", std::to_string(spec.size_x));
    line("SizeY", std::to_string(spec.size_y));
    if (spec.max_prims > 0) {
        line("MaxPrims", std::to_string(spec.max_prims));
    }
    if (spec.max_agents > 0) {
        line("MaxAgents", std::to_string(spec.max_agents));
    }
    if (!spec.target_estate.empty()) {
        line("TargetEstate", spec.target_estate);
    }
    return ini;
}

}  // namespace vergegrid::region_ini
