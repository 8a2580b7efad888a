// Kind "placement": a policy that chooses the simulator for a region, shaped after the Kubernetes
// scheduler framework: the framework's filters first, then the plugin's own filters and scores.
// The engine (host side) snapshots simulators, applies the grid's hard rules, calls the active
// policy on the simulators left and picks the best score; ties are broken by simulator id so
// decisions are deterministic.
//
// What the engine guarantees before it calls filter() or score() with a simulator (the hard
// rules; a policy cannot loosen them and need not repeat them):
//   - its state is "online" or "registered" (no heartbeat yet: its bridge pulls its regions when
//     it starts); "cordoned", "offline" and "revoked" simulators are never shown to a policy;
//   - region_count < its region limit: its capacity, lowered by the control plane's
//     placement.max_regions when that is set; a simulator that declared no capacity (0) is
//     limited by placement.max_regions alone, and with placement.max_regions 0 too, by nothing;
//   - cpu_load <= placement.max_cpu_load and memory_load <= placement.max_memory_load (0.9 each
//     by default);
//   - it carries every label of region.required_labels, and none of region.anti_affinity is one
//     of its labels or the name of a region it holds (region_names);
//   - its host has a free port for the region (in placement.port_min..port_max, or the port the
//     region asks for).
// A region pinned to a simulator goes through the same rules on that simulator alone; with
// "force": true it is placed there even when the hard rules or filter() refuse it, but never on
// a revoked simulator.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

// IN (host fills, lent for one call; may grow at the end).
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

// IN (host fills, lent for one call; may grow at the end).
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

// Since 1.0. OWNERSHIP: the host owns the policy object; RegionNeeds and SimulatorSnapshot are
// valid for the duration of the call only. The reason filter() returns is OUT (the host copies
// it into its answer).
class BOOST_SYMBOL_VISIBLE PlacementPolicy : public PluginObject {
  public:
    // Why the simulator cannot take the region, or nullopt when it can: the policy's own rules
    // only, narrowing what the engine let through (see the guarantees at the top of this file).
    // The reason is shown to operators next to the simulator's id. Must be thread-safe:
    // the engine calls one policy object from many request threads at once.
    virtual std::optional<std::string> filter(const RegionNeeds& region,
                                              const SimulatorSnapshot& simulator) const = 0;
    // Higher is better; only called for simulators that passed filter(). Thread-safe.
    virtual double score(const RegionNeeds& region, const SimulatorSnapshot& simulator) const = 0;
};

// ABI 1.2 extension: a policy whose choice the engine may keep in an index instead of scoring
// every simulator for every region (found with dynamic_cast; a policy without it is always scored
// exhaustively). By implementing it the policy promises, for every region r and simulator s:
//   - open_for_regions(s) == false  implies  filter(r, s) refuses r;
//   - score(r, s) == simulator_score(s) + f(r, s.labels) for some f of the region and the
//     simulator's labels alone (not its load, count or state).
// The engine then ranks the simulators of each label set by simulator_score, skips the sets
// LabelAwareIndexedPolicy::accepts_labels() rules out (when the policy offers it), and calls
// filter() and score() only on the best of the others.
// The hard rules come first here too: a simulator the engine closes (state, region limit, loads)
// is never passed to open_for_regions(), simulator_score() or filter(); a label set that lacks a
// required label or carries an anti-affinity label is never passed to accepts_labels(). So these
// methods, like filter(), only narrow: a policy with no rules of its own returns true from
// open_for_regions() and accepts_labels().
// bench/placement checks the promise on a sample.
// This vtable is frozen as ABI 1.2 shipped it: two methods after PlacementPolicy's.
class BOOST_SYMBOL_VISIBLE IndexedPlacementPolicy : public PlacementPolicy {
  public:
    // since 1.2. Thread-safe.
    virtual bool open_for_regions(const SimulatorSnapshot& simulator) const = 0;
    // since 1.2. Thread-safe.
    virtual double simulator_score(const SimulatorSnapshot& simulator) const = 0;
};

// ABI 1.4 extension of IndexedPlacementPolicy: lets the index skip whole label sets. (It was
// first added to IndexedPlacementPolicy itself without a version bump, where a policy built
// against the 1.2 headers has no such slot; 1.4 moved it here.) The host finds it with
// dynamic_cast; without it, every label set's best simulator goes through filter(). By
// implementing it the policy promises, besides IndexedPlacementPolicy's promise:
//   - accepts_labels(r, s.labels) == false  implies  filter(r, s) refuses r.
class BOOST_SYMBOL_VISIBLE LabelAwareIndexedPolicy : public IndexedPlacementPolicy {
  public:
    // since 1.4. Whether a simulator carrying exactly `labels` could take the region as far as
    // its labels go (required labels, anti-affinity labels). Thread-safe.
    virtual bool accepts_labels(const RegionNeeds& region,
                                const std::vector<std::string>& labels) const = 0;
};

}  // namespace vergegrid::plugin_api
