// The rules no placement policy can loosen: the engine applies them to every simulator before a
// policy sees it (Kubernetes-scheduler style: the framework's filters first, the plugin's own
// filters and scores after), so a third-party policy that forgets one cannot put a region on a
// revoked, cordoned, offline, full or overloaded simulator, nor break a required label or an
// anti-affinity. The limits are engine settings ([placement] max_cpu_load, max_memory_load,
// max_regions), the same whichever policy is active; a policy may only narrow further.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::control {

struct HardLimits {
    double max_cpu_load = 0.9;     // a simulator above this CPU load (0..1) takes no new region
    double max_memory_load = 0.9;  // likewise for memory
    // Regions per simulator on top of its own capacity; 0 = its capacity alone. A simulator that
    // declared no capacity (0) is limited by max_regions alone; with max_regions 0 too, it has no
    // region limit (its loads still apply).
    int max_regions = 0;
};

inline constexpr int kNoRegionLimit = 1 << 30;

// The regions the simulator may hold: its capacity lowered by max_regions, or kNoRegionLimit.
int region_limit(const HardLimits& limits, const plugin_api::SimulatorSnapshot& simulator);

// Why the simulator takes no region at all right now (state, count, loads), or nullopt. Takes
// regions: online and registered (no heartbeat yet: its bridge pulls them when it starts).
std::optional<std::string> closed_reason(const HardLimits& limits,
                                         const plugin_api::SimulatorSnapshot& simulator);

// Whether a simulator with these labels may take the region as far as labels go: it carries every
// required label and none of the region's anti-affinity entries.
bool labels_accept(const plugin_api::RegionNeeds& region, const std::vector<std::string>& labels);

// Anti-affinity by a region the simulator holds (region_names): the one hard rule that is neither
// about the simulator alone (closed_reason) nor about its labels alone (labels_accept).
std::optional<std::string> held_region_refusal(const plugin_api::RegionNeeds& region,
                                               const plugin_api::SimulatorSnapshot& simulator);

// Why the region cannot go there under the hard rules (closed, a required label missing,
// anti-affinity by label or by a region it holds), or nullopt.
std::optional<std::string> hard_refusal(const HardLimits& limits,
                                        const plugin_api::RegionNeeds& region,
                                        const plugin_api::SimulatorSnapshot& simulator);

}  // namespace vergegrid::control
