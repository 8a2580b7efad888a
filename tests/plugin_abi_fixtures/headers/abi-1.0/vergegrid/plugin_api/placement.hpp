// Kind "placement": a policy that chooses the simulator for a region, shaped after the Kubernetes
// scheduler framework: filter out simulators that cannot take the region, score the rest.
// The engine (host side) snapshots simulators, calls the active policy and picks the best score;
// ties are broken by simulator id so decisions are deterministic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

struct RegionNeeds {
    std::string region_id;
    int size_x = 256;
    int size_y = 256;
    std::vector<std::string> required_labels;
    std::vector<std::string> preferred_labels;
};

struct SimulatorSnapshot {
    std::string id;
    std::string state;  // registered, online, offline, cordoned, revoked
    std::vector<std::string> labels;
    int region_count = 0;
    int capacity = 0;          // regions the operator allows on it
    double cpu_load = 0.0;     // 0..1
    double memory_load = 0.0;  // 0..1
};

class BOOST_SYMBOL_VISIBLE PlacementPolicy : public PluginObject {
  public:
    // Why the simulator cannot take the region, or nullopt when it can. Must be thread-safe:
    // the engine calls one policy object from many request threads at once.
    virtual std::optional<std::string> filter(const RegionNeeds& region,
                                              const SimulatorSnapshot& simulator) const = 0;
    // Higher is better; only called for simulators that passed filter(). Thread-safe.
    virtual double score(const RegionNeeds& region, const SimulatorSnapshot& simulator) const = 0;
};

}  // namespace vergegrid::plugin_api
