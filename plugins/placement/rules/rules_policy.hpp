// The built-in policies: the engine's hard rules, narrowed only by the thresholds a policy's own
// section sets (placement_rules), and three ways to rank the simulators that pass. Each plugin
// module (basic-rules, spread, binpack) makes one of these.
#pragma once

#include "placement_rules.hpp"

namespace vergegrid::placement_rules {

enum class Ranking {
    balanced,  // basic-rules: free region slots, free CPU and free memory, equally weighted
    spread,    // the largest share of free region slots first: regions spread out evenly
    binpack,   // the fullest simulator first: fills simulators before opening new ones
};

// Stateless after construction, so one object serves every request thread at once.
class RulesPolicy final : public plugin_api::LabelAwareIndexedPolicy {
  public:
    RulesPolicy(Ranking ranking, Thresholds limits) : ranking_(ranking), limits_(limits) {}

    std::optional<std::string> filter(
        const plugin_api::RegionNeeds& region,
        const plugin_api::SimulatorSnapshot& simulator) const override;
    // simulator_score + the share of preferred labels it carries (a full match outweighs any
    // difference in load or fill).
    double score(const plugin_api::RegionNeeds& region,
                 const plugin_api::SimulatorSnapshot& simulator) const override;
    bool open_for_regions(const plugin_api::SimulatorSnapshot& simulator) const override;
    double simulator_score(const plugin_api::SimulatorSnapshot& simulator) const override;
    bool accepts_labels(const plugin_api::RegionNeeds& region,
                        const std::vector<std::string>& labels) const override;

  private:
    Ranking ranking_;
    Thresholds limits_;
};

// create() of a policy plugin: reads the thresholds and logs them.
plugin_api::PluginObject* create_rules_policy(Ranking ranking, const plugin_api::HostContext& host);

}  // namespace vergegrid::placement_rules
