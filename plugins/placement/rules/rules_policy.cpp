#include "rules_policy.hpp"

#include <algorithm>
#include <cmath>

namespace vergegrid::placement_rules {

namespace api = plugin_api;

std::optional<std::string> RulesPolicy::filter(const api::RegionNeeds& region,
                                               const api::SimulatorSnapshot& simulator) const {
    (void)region;  // the engine has checked labels and anti-affinity
    return narrowing_reason(limits_, simulator);
}

double RulesPolicy::score(const api::RegionNeeds& region,
                          const api::SimulatorSnapshot& simulator) const {
    return simulator_score(simulator) + preferred_share(region, simulator);
}

bool RulesPolicy::open_for_regions(const api::SimulatorSnapshot& simulator) const {
    return !narrowing_reason(limits_, simulator).has_value();
}

namespace {

// Scores are multiples of 2^-30: simulators whose loads are equal in decimal get exactly equal
// scores whatever order the sums were made in, so ties (broken by id) are real ties, and
// adding the same preferred-label share to two scores never merges or reorders them (which the
// engine's ranked index relies on).
double quantized(double score) {
    constexpr double kScale = 1073741824.0;  // 2^30
    return std::round(score * kScale) / kScale;
}

double raw_score(Ranking ranking, double used, const api::SimulatorSnapshot& simulator) {
    switch (ranking) {
        case Ranking::balanced:
            return ((1.0 - used) + (1.0 - std::clamp(simulator.cpu_load, 0.0, 1.0)) +
                    (1.0 - std::clamp(simulator.memory_load, 0.0, 1.0))) /
                   3.0;
        case Ranking::spread:
            return 1.0 - used;
        case Ranking::binpack:
            return used;
    }
    return 0.0;
}

}  // namespace

double RulesPolicy::simulator_score(const api::SimulatorSnapshot& simulator) const {
    const int limit = region_limit(limits_, simulator);
    const int scale = limit == kNoLimit ? kNominalCapacity : std::max(limit, 1);
    const double used = std::clamp(static_cast<double>(simulator.region_count) / scale, 0.0, 1.0);
    return quantized(raw_score(ranking_, used, simulator));
}

bool RulesPolicy::accepts_labels(const api::RegionNeeds&, const std::vector<std::string>&) const {
    return true;  // labels are the engine's hard rules; these policies add none
}

api::PluginObject* create_rules_policy(Ranking ranking, const api::HostContext& host) {
    const Thresholds limits = read_thresholds(host.config);
    const auto shown = [](const std::optional<double>& share) {
        return share ? std::to_string(*share) : std::string("(the engine's)");
    };
    if (host.logger) {
        host.logger->info("own thresholds: max_cpu_load " + shown(limits.max_cpu_load) +
                          ", max_memory_load " + shown(limits.max_memory_load) + ", max_regions " +
                          (limits.max_regions > 0 ? std::to_string(limits.max_regions)
                                                  : std::string("(the engine's)")));
    }
    return new RulesPolicy(ranking, limits);
}

}  // namespace vergegrid::placement_rules
