// The filter every built-in placement policy applies, and the thresholds it reads from its
// config section ([placement.<name>]).
#pragma once

#include <optional>
#include <string>

#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::placement_rules {

struct Thresholds {
    double max_cpu_load = 0.9;     // a simulator above this takes no new region
    double max_memory_load = 0.9;  // likewise for memory
    int max_regions = 0;           // per simulator, on top of its own capacity; 0 = capacity only
};

// Reads max_cpu_load, max_memory_load and max_regions; a bad value throws ConfigError.
Thresholds read_thresholds(const plugin_api::ConfigSection& config);

inline const char* const kThresholdKeys[] = {"max_cpu_load", "max_memory_load", "max_regions",
                                             nullptr};

inline constexpr int kNoLimit = 1 << 30;
// What region_limit's share of slots is reckoned against when no limit applies.
inline constexpr int kNominalCapacity = 100;

// The regions a simulator may hold: its capacity, lowered by max_regions when that is set. A
// simulator that declared no capacity (0) is limited by max_regions alone, else kNoLimit.
int region_limit(const Thresholds& limits, const plugin_api::SimulatorSnapshot& simulator);

// Why the simulator takes no region at all right now (state, count, loads), or nullopt.
std::optional<std::string> closed_reason(const Thresholds& limits,
                                         const plugin_api::SimulatorSnapshot& simulator);

// Whether a simulator with these labels may take the region as far as labels go (required
// labels, anti-affinity by label).
bool labels_accept(const plugin_api::RegionNeeds& region, const std::vector<std::string>& labels);

// Why this region cannot go there (closed, a required label missing, anti-affinity), or nullopt.
std::optional<std::string> refusal(const Thresholds& limits, const plugin_api::RegionNeeds& region,
                                   const plugin_api::SimulatorSnapshot& simulator);

// Share of the region's preferred labels the simulator carries, 0..1 (0 when none are asked).
double preferred_share(const plugin_api::RegionNeeds& region,
                       const plugin_api::SimulatorSnapshot& simulator);

}  // namespace vergegrid::placement_rules
