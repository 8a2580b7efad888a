// What the built-in placement policies add to the engine's hard rules, and read from their config
// section ([placement.<name>]). The engine has already refused every simulator that is not online
// or registered, is full, is above placement.max_cpu_load/max_memory_load, lacks a required label
// or breaks an anti-affinity before a policy sees it (plugin_api/placement.hpp); a policy's own
// thresholds can only narrow further (a lower load threshold, a lower region count).
#pragma once

#include <optional>
#include <string>

#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::placement_rules {

// Each unset unless the section sets it: then the policy narrows nothing.
struct Thresholds {
    std::optional<double> max_cpu_load;     // a simulator above this takes no new region
    std::optional<double> max_memory_load;  // likewise for memory
    int max_regions = 0;                    // per simulator; 0 = unset
};

// Reads max_cpu_load, max_memory_load and max_regions; a bad value throws ConfigError.
Thresholds read_thresholds(const plugin_api::ConfigSection& config);

inline const char* const kThresholdKeys[] = {"max_cpu_load", "max_memory_load", "max_regions",
                                             nullptr};

inline constexpr int kNoLimit = 1 << 30;
// What region_limit's share of slots is reckoned against when no limit applies.
inline constexpr int kNominalCapacity = 100;

// The regions a simulator may hold as far as the ranking goes: its capacity, lowered by this
// policy's max_regions when set. A simulator that declared no capacity (0) is limited by
// max_regions alone, else kNoLimit.
int region_limit(const Thresholds& limits, const plugin_api::SimulatorSnapshot& simulator);

// Why this policy's own thresholds refuse the simulator (count, loads), or nullopt.
std::optional<std::string> narrowing_reason(const Thresholds& limits,
                                            const plugin_api::SimulatorSnapshot& simulator);

// Share of the region's preferred labels the simulator carries, 0..1 (0 when none are asked).
double preferred_share(const plugin_api::RegionNeeds& region,
                       const plugin_api::SimulatorSnapshot& simulator);

}  // namespace vergegrid::placement_rules
