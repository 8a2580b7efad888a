// Rebalance planning: which regions to move so that the grid comes back within the placement
// policy's thresholds (typically after simulators were added). Pure: reads and updates a
// GridState (each planned move is reserved in it, so the next choice sees the previous ones),
// writes nothing to storage.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "control/migrations/migration_service.hpp"
#include "control/placement/grid_state.hpp"
#include "control/placement/placement_service.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

// A simulator is over its threshold when the active policy (hard rules first) would refuse it
// one more region like its own (full, or loaded past the policy's limits), or when its share of
// regions (count / capacity) is more than one region above the grid's mean share among the
// simulators that take regions. Moves come from the most loaded simulator first, each region
// going where plan_move() puts it away from its simulator, and only when the move makes the
// spread strictly better; at most `max_moves`. Regions that are moving are skipped (`moving`).
std::vector<RebalanceMove> plan_rebalance(
    GridState& state, const PlacementService& placement,
    const std::function<plugin_api::Region(const std::string& uuid)>& region_of,
    const std::function<bool(const std::string& uuid)>& moving, int max_moves);

}  // namespace vergegrid::control
