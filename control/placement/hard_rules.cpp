#include "control/placement/hard_rules.hpp"

#include <algorithm>
#include <cstdio>

#include "control/domain/simulator_state.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

namespace {

bool has(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

std::string percent(double share) {
    char text[16];
    std::snprintf(text, sizeof text, "%.0f%%", share * 100.0);
    return text;
}

bool takes_regions(const std::string& state) {
    const auto parsed = parse_simulator_state(state);
    return parsed == SimulatorState::online || parsed == SimulatorState::registered;
}

}  // namespace

int region_limit(const HardLimits& limits, const api::SimulatorSnapshot& simulator) {
    if (simulator.capacity <= 0) {  // not declared at registration: only max_regions limits it
        return limits.max_regions > 0 ? limits.max_regions : kNoRegionLimit;
    }
    return limits.max_regions > 0 ? std::min(simulator.capacity, limits.max_regions)
                                  : simulator.capacity;
}

std::optional<std::string> closed_reason(const HardLimits& limits,
                                         const api::SimulatorSnapshot& simulator) {
    if (!takes_regions(simulator.state)) {
        return "simulator is " + simulator.state + ": it takes no new regions";
    }
    const int limit = region_limit(limits, simulator);
    if (simulator.region_count >= limit) {
        const bool by_threshold = simulator.capacity <= 0 || limit < simulator.capacity;
        return "simulator is full: " + std::to_string(simulator.region_count) + " of " +
               std::to_string(limit) + " regions" +
               (by_threshold ? " (max_regions threshold)" : " (capacity)");
    }
    if (simulator.cpu_load > limits.max_cpu_load) {
        return "CPU load " + percent(simulator.cpu_load) + " is above the " +
               percent(limits.max_cpu_load) + " threshold";
    }
    if (simulator.memory_load > limits.max_memory_load) {
        return "memory load " + percent(simulator.memory_load) + " is above the " +
               percent(limits.max_memory_load) + " threshold";
    }
    return std::nullopt;
}

bool labels_accept(const api::RegionNeeds& region, const std::vector<std::string>& labels) {
    return std::all_of(region.required_labels.begin(), region.required_labels.end(),
                       [&](const std::string& label) { return has(labels, label); }) &&
           std::none_of(region.anti_affinity.begin(), region.anti_affinity.end(),
                        [&](const std::string& apart) { return has(labels, apart); });
}

std::optional<std::string> held_region_refusal(const api::RegionNeeds& region,
                                               const api::SimulatorSnapshot& simulator) {
    for (const auto& apart : region.anti_affinity) {
        if (has(simulator.region_names, apart)) {
            return "anti-affinity: simulator holds region '" + apart + "'";
        }
    }
    return std::nullopt;
}

std::optional<std::string> hard_refusal(const HardLimits& limits, const api::RegionNeeds& region,
                                        const api::SimulatorSnapshot& simulator) {
    if (auto closed = closed_reason(limits, simulator)) {
        return closed;
    }
    for (const auto& label : region.required_labels) {
        if (!has(simulator.labels, label)) {
            return "simulator lacks required label '" + label + "'";
        }
    }
    for (const auto& apart : region.anti_affinity) {
        if (has(simulator.labels, apart)) {
            return "anti-affinity: simulator carries label '" + apart + "'";
        }
    }
    return held_region_refusal(region, simulator);
}

}  // namespace vergegrid::control
