// One placement decision, Kubernetes-scheduler style: filter the simulators that cannot take the
// region (the engine's hard rules first, then the policy's own filter, then ports), score the
// rest with the policy, pick the best (ties: lowest simulator id), and name a port. A policy
// never sees a simulator the hard rules refuse (hard_rules.hpp): it only narrows and ranks.
// Pure: reads a GridState, writes nothing; the caller reserves the outcome in the state (batch
// plans) and in storage (create, move).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/placement/grid_state.hpp"
#include "control/placement/hard_rules.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::control {

struct PortRange {
    int low = 9000;
    int high = 9999;
};

struct PlacementRequest {
    plugin_api::RegionNeeds needs;
    std::string pin;           // simulator_id asked for; "" = the policy chooses
    bool force = false;        // take the pin even when the policy refuses it
    bool affinity = false;     // prefer a simulator that holds map neighbours
    std::string avoid;         // a simulator to leave (moves, drains)
    int port = 0;              // 0 = allocate from the range
    int loc_x = 0, loc_y = 0;  // the footprint, for affinity
};

struct Decision {
    bool placed = false;
    std::string simulator_id;
    std::string host;
    int port = 0;
    double score = 0.0;
    std::vector<std::string> reasons;             // why this simulator (placed)
    std::map<std::string, std::string> refusals;  // simulator id -> why not
    std::string summary;                          // one line: the choice, or why none
};

// `plugin` is a plugin's own policy; the hard rules run with `limits` before it.
Decision decide(const plugin_api::PlacementPolicy& plugin, const HardLimits& limits,
                const std::string& policy_name, const GridState& state,
                const PlacementRequest& request, PortRange ports);
// `policy` is the placement service's active policy (under_hard_rules(): its plugin and its
// limits) or a plugin's own policy (the default limits).
Decision decide(const plugin_api::PlacementPolicy& policy, const std::string& policy_name,
                const GridState& state, const PlacementRequest& request, PortRange ports);

// Why `simulator` cannot take the region: the hard rules (ruled_view's limits), then the
// policy's filter(); nullopt when it can (ports aside).
std::optional<std::string> placement_refusal(const plugin_api::PlacementPolicy& policy,
                                             const plugin_api::RegionNeeds& region,
                                             const plugin_api::SimulatorSnapshot& simulator);

// The region as the decision placed it, for GridState::add.
PlacedRegion reserved_region(const Decision& decision, const std::string& uuid,
                             const std::string& name, int loc_x, int loc_y, int size_x, int size_y);

}  // namespace vergegrid::control
