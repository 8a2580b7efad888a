#include "placement_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace vergegrid::placement_rules {

namespace api = plugin_api;

namespace {

bool has(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

std::optional<double> read_share(const api::ConfigSection& config, const std::string& key) {
    const auto it = config.find(key);
    if (it == config.end()) {
        return std::nullopt;
    }
    const std::string& text = it->second;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !(value >= 0.0) ||
        value > 1.0) {
        throw api::ConfigError(key, "must be a number from 0 to 1, got '" + text + "'");
    }
    return value;
}

std::string percent(double share) {
    char text[16];
    std::snprintf(text, sizeof text, "%.0f%%", share * 100.0);
    return text;
}

}  // namespace

Thresholds read_thresholds(const api::ConfigSection& config) {
    Thresholds limits;
    limits.max_cpu_load = read_share(config, "max_cpu_load");
    limits.max_memory_load = read_share(config, "max_memory_load");
    if (const auto it = config.find("max_regions"); it != config.end()) {
        const std::string& text = it->second;
        int value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0 ||
            value > 100000) {
            throw api::ConfigError("max_regions",
                                   "must be an integer from 0 to 100000, got '" + text + "'");
        }
        limits.max_regions = value;
    }
    return limits;
}

int region_limit(const Thresholds& limits, const api::SimulatorSnapshot& simulator) {
    if (simulator.capacity <= 0) {  // not declared at registration: only max_regions limits it
        return limits.max_regions > 0 ? limits.max_regions : kNoLimit;
    }
    return limits.max_regions > 0 ? std::min(simulator.capacity, limits.max_regions)
                                  : simulator.capacity;
}

std::optional<std::string> narrowing_reason(const Thresholds& limits,
                                            const api::SimulatorSnapshot& simulator) {
    if (limits.max_regions > 0 && simulator.region_count >= limits.max_regions) {
        return "simulator is full: " + std::to_string(simulator.region_count) + " of " +
               std::to_string(limits.max_regions) + " regions (max_regions threshold)";
    }
    if (limits.max_cpu_load && simulator.cpu_load > *limits.max_cpu_load) {
        return "CPU load " + percent(simulator.cpu_load) + " is above the " +
               percent(*limits.max_cpu_load) + " threshold";
    }
    if (limits.max_memory_load && simulator.memory_load > *limits.max_memory_load) {
        return "memory load " + percent(simulator.memory_load) + " is above the " +
               percent(*limits.max_memory_load) + " threshold";
    }
    return std::nullopt;
}

double preferred_share(const api::RegionNeeds& region, const api::SimulatorSnapshot& simulator) {
    if (region.preferred_labels.empty()) {
        return 0.0;
    }
    const auto matched =
        std::count_if(region.preferred_labels.begin(), region.preferred_labels.end(),
                      [&](const std::string& label) { return has(simulator.labels, label); });
    return static_cast<double>(matched) / static_cast<double>(region.preferred_labels.size());
}

}  // namespace vergegrid::placement_rules
