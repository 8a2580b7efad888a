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
    // ABI 1.2 (appended): the region's name and what to keep it apart from: a simulator that
    // carries one of these labels or already holds a region of one of these names.
    std::string region_name;
    std::vector<std::string> anti_affinity;
};

struct SimulatorSnapshot {
    std::string id;
    std::string state;  // registered, online, offline, cordoned, revoked
    std::vector<std::string> labels;
    int region_count = 0;
    int capacity = 0;          // regions the operator allows on it
    double cpu_load = 0.0;     // 0..1
    double memory_load = 0.0;  // 0..1
    // ABI 1.2 (appended): the host its regions are reached on and the names of the regions the
    // control plane has placed on it (region_count counts them).
    std::string hostname;
    std::vector<std::string> region_names;
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

// ABI 1.2 extension: a policy whose choice the engine may keep in an index instead of scoring
// every simulator for every region (found with dynamic_cast; a 1.1 policy is always scored
// exhaustively). By implementing it the policy promises, for every region r and simulator s:
//   - open_for_regions(s) == false  implies  filter(r, s) refuses r;
//   - score(r, s) == simulator_score(s) + f(r, s.labels) for some f of the region and the
//     simulator's labels alone (not its load, count or state).
// The engine then ranks the simulators of each label set by simulator_score and calls filter()
// and score() only on the best of each set. bench/placement checks the promise on a sample.
class BOOST_SYMBOL_VISIBLE IndexedPlacementPolicy : public PlacementPolicy {
  public:
    virtual bool open_for_regions(const SimulatorSnapshot& simulator) const = 0;
    virtual double simulator_score(const SimulatorSnapshot& simulator) const = 0;
};

}  // namespace vergegrid::plugin_api
