// Where a region created without loc_x/loc_y goes on the map: the free footprint nearest to a
// point (by distance of its corner, ties by y then x), with the whole footprint free for var
// regions.
#pragma once

#include <optional>
#include <utility>

#include "control/placement/grid_state.hpp"
#include "control/placement/work_budget.hpp"

namespace vergegrid::control {

inline constexpr int kMaxSearchRadius = 512;  // region units around the point (either axis)

// nullopt when no footprint is free within kMaxSearchRadius of (x, y) on either axis. With a
// `budget`, spends one unit per candidate position and per cell probed, and throws
// WorkBudgetExhausted when it runs out.
// Candidates are taken in the order of the answer (distance, then y, then x), starting past what
// an earlier search on `state` found taken (GridState::taken_floor), so a grid filled around one
// point costs a create a few probes at its edge, not a walk over every region placed.
std::optional<std::pair<int, int>> nearest_free_footprint(GridState& state, int x, int y,
                                                          int size_x, int size_y,
                                                          int max_coordinate,
                                                          WorkBudget* budget = nullptr);

}  // namespace vergegrid::control
