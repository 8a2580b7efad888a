// Simulators and regions for placement tests, with the fields that matter set and the rest plain.
#pragma once

#include <string>
#include <vector>

#include "control/placement/grid_state.hpp"

namespace vergegrid::test {

inline plugin_api::Simulator simulator(const std::string& id, int capacity = 10,
                                       std::vector<std::string> labels = {},
                                       const std::string& state = "online") {
    plugin_api::Simulator s;
    s.id = id;
    s.hostname = id + ".example.org";
    s.capacity = capacity;
    s.labels = std::move(labels);
    s.state = state;
    return s;
}

inline control::PlacedRegion region_on(const std::string& name, const std::string& simulator, int x,
                                       int y, int port = 9000) {
    return {"uuid-" + name, name, simulator, simulator + ".example.org", port, x, y, 256, 256};
}

}  // namespace vergegrid::test
