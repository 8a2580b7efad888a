// Placement policy "basic-rules": the seed's default: region count, CPU and memory load, labels,
// thresholds; the least loaded simulator first. The filter and thresholds are the shared rules
// (plugins/placement/rules).
#include "rules_policy.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace rules = vergegrid::placement_rules;

api::PluginObject* create(const api::HostContext& host) {
    return rules::create_rules_policy(rules::Ranking::balanced, host);
}

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "placement",
    "basic-rules",
    VG_PLACEMENT_VERSION,
    "the seed's default: region count, CPU and memory load, labels, thresholds; the least loaded "
    "simulator first",
    rules::kThresholdKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
