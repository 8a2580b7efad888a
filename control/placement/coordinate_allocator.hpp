// Where a region created without loc_x/loc_y goes on the map: the free footprint nearest to a
// point (by distance of its corner, ties by y then x), with the whole footprint free for var
// regions.
#pragma once

#include <optional>
#include <utility>

#include "control/placement/grid_state.hpp"
#include "control/placement/work_budget.hpp"

namespace vergegrid::control {

inline constexpr int kMaxSearchRadius = 512;  // region units around the point

// nullopt when no footprint is free within kMaxSearchRadius of (x, y). With a `budget`, spends
// one unit per candidate position and per cell probed, and throws WorkBudgetExhausted when it
// runs out.
std::optional<std::pair<int, int>> nearest_free_footprint(const GridState& state, int x, int y,
                                                          int size_x, int size_y,
                                                          int max_coordinate,
                                                          WorkBudget* budget = nullptr);

}  // namespace vergegrid::control
