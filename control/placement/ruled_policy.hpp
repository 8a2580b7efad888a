// The active policy as the placement service hands it out: the plugin's policy behind the
// engine's hard rules. Its filter() is the hard rules first and the plugin's filter() only for a
// simulator they let through, so every caller that asks the active policy (decide(), the ranked
// index, a pin checked on PATCH) gets the rules with the configured limits. A plugin that is an
// IndexedPlacementPolicy stays one behind the rules (its open_for_regions and accepts_labels are
// narrowed by them), so the fast path's dynamic_cast still finds it.
#pragma once

#include <memory>

#include "control/placement/hard_rules.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::control {

std::shared_ptr<plugin_api::PlacementPolicy> under_hard_rules(
    std::shared_ptr<plugin_api::PlacementPolicy> plugin, HardLimits limits);

// What the engine works with: the plugin's own policy and the limits of the hard rules to apply
// before it. A policy from under_hard_rules() gives its plugin and limits; any other policy is
// the plugin itself under the default limits.
struct RuledView {
    const plugin_api::PlacementPolicy* plugin;
    HardLimits limits;
};
RuledView ruled_view(const plugin_api::PlacementPolicy& policy);

}  // namespace vergegrid::control
