// Placement policy "binpack": fill simulators before opening new ones: the fullest simulator that
// still fits first. The filter and thresholds are the shared rules (plugins/placement/rules).
#include "rules_policy.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace rules = vergegrid::placement_rules;

api::PluginObject* create(const api::HostContext& host) {
    return rules::create_rules_policy(rules::Ranking::binpack, host);
}

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "placement",
    "binpack",
    VG_PLACEMENT_VERSION,
    "fill simulators before opening new ones: the fullest simulator that still fits first",
    rules::kThresholdKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
