// Placement policy "spread": spread regions evenly: the simulator with the largest share of free
// region slots first. The filter and thresholds are the shared rules (plugins/placement/rules).
#include "rules_policy.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace rules = vergegrid::placement_rules;

api::PluginObject* create(const api::HostContext& host) {
    return rules::create_rules_policy(rules::Ranking::spread, host);
}

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "placement",
    "spread",
    VG_PLACEMENT_VERSION,
    "spread regions evenly: the simulator with the largest share of free region slots first",
    rules::kThresholdKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
