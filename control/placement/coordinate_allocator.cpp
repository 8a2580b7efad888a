#include "control/placement/coordinate_allocator.hpp"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace vergegrid::control {

std::optional<std::pair<int, int>> nearest_free_footprint(const GridState& state, int x, int y,
                                                          int size_x, int size_y,
                                                          int max_coordinate, WorkBudget* budget) {
    const int w = std::max(size_x / 256, 1);
    const int h = std::max(size_y / 256, 1);
    using Key = std::tuple<std::int64_t, int, int>;  // squared distance, y, x
    std::optional<Key> best;
    auto consider = [&](int cx, int cy) {
        if (budget != nullptr) {
            budget->spend(1);
        }
        if (cx < 0 || cy < 0 || cx + w - 1 > max_coordinate || cy + h - 1 > max_coordinate) {
            return;
        }
        const std::int64_t dx = cx - x;
        const std::int64_t dy = cy - y;
        const Key key{dx * dx + dy * dy, cy, cx};
        if ((!best || key < *best) && state.footprint_free(cx, cy, size_x, size_y, budget)) {
            best = key;
        }
    };
    // Ring r holds the points at Chebyshev distance r; a point of ring r is at least r away,
    // so once something free is found at distance d, rings beyond d cannot beat it.
    for (int r = 0; r <= kMaxSearchRadius; ++r) {
        if (best && static_cast<std::int64_t>(r) * r > std::get<0>(*best)) {
            break;
        }
        if (r == 0) {
            consider(x, y);
            continue;
        }
        for (int i = -r; i <= r; ++i) {
            consider(x + i, y - r);
            consider(x + i, y + r);
            if (i != -r && i != r) {
                consider(x - r, y + i);
                consider(x + r, y + i);
            }
        }
    }
    if (!best) {
        return std::nullopt;
    }
    return std::pair{std::get<2>(*best), std::get<1>(*best)};
}

}  // namespace vergegrid::control
