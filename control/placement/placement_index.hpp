// The fast path for many decisions in a row (batch plans, the benchmark): simulators grouped by
// label set, each group ordered by the policy's simulator_score, closed simulators (the hard
// rules' closed_reason, or the policy's open_for_regions) left out, label sets the hard rules or
// the policy's accepts_labels rule out skipped, and the hard rules checked again on the one
// simulator of a group the policy's filter() is asked about.
// Valid only for an IndexedPlacementPolicy (see its promise in plugin_api/placement.hpp): within
// a group the order by simulator_score is the order by score, so the first simulator of a group
// that passes filter() is that group's best, and a decision costs one walk per group instead of
// filter() and score() on every simulator. It makes the same choice as decide().
// It follows its state: before each decision it re-ranks the simulators the state says changed
// (GridState::take_simulator_changes), so it may live as long as the state (GridCache keeps one
// beside its grid) whoever changes the state in between.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/placement/grid_state.hpp"
#include "control/placement/hard_rules.hpp"
#include "control/placement/placement_engine.hpp"

namespace vergegrid::control {

class PlacementIndex {
  public:
    // `state` and `policy` must outlive the index; the index reserves into `state`. `policy` is
    // the placement service's active policy (under_hard_rules(): its plugin and its limits) or a
    // plugin's own (the default limits).
    PlacementIndex(const plugin_api::IndexedPlacementPolicy& policy, std::string policy_name,
                   GridState& state, PortRange ports);
    // `plugin` is a plugin's own policy; the hard rules run with `limits` before it.
    PlacementIndex(const plugin_api::IndexedPlacementPolicy& plugin, const HardLimits& limits,
                   std::string policy_name, GridState& state, PortRange ports);

    // decide() for a request without pin, affinity, avoid or requested port (others go to
    // decide()), then reserves the region at (loc_x, loc_y) when placed. The fast path's refusal
    // carries no per-simulator reasons (decide() on the same state gives them): explaining
    // costs a full scan, which a batch should pay only when asked.
    Decision place(const PlacementRequest& request, const std::string& uuid);
    // Records a region placed otherwise (by hand, pinned) in the state and re-ranks its
    // simulator.
    void reserve(const PlacedRegion& region);
    // Re-ranks what changed in the state since the index last looked (place() does it first).
    void refresh();

  private:
    using Ranked = std::set<std::pair<double, std::size_t>>;  // (-simulator_score, position)
    void rebuild();
    void rank(std::size_t position);
    void unrank(std::size_t position);

    const plugin_api::IndexedPlacementPolicy* policy_;  // the plugin's own
    HardLimits limits_;
    std::string policy_name_;
    GridState* state_;
    PortRange ports_;
    struct Group {
        std::vector<std::string> labels;
        Ranked ranked;  // its open simulators, best first
    };
    std::map<std::string, Group> groups_;  // by label set
    std::vector<std::string> group_of_;    // by position in state.simulators()
    std::vector<double> key_of_;           // the key it is ranked under
    std::vector<bool> ranked_;
};

}  // namespace vergegrid::control
