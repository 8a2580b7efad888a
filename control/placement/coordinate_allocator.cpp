#include "control/placement/coordinate_allocator.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

namespace vergegrid::control {

namespace {

// An offset from the centre; tables hold them in the answer's order.
struct Offset {
    std::int16_t dx;
    std::int16_t dy;
    std::int64_t squared() const { return std::int64_t{dx} * dx + std::int64_t{dy} * dy; }
};

bool answer_order(const Offset& a, const Offset& b) {
    const auto da = a.squared();
    const auto db = b.squared();
    return da != db ? da < db : (a.dy != b.dy ? a.dy < b.dy : a.dx < b.dx);
}

// Tables of growing reach, each a prefix of the next: the offsets within a radius (16, 64, 256),
// then the whole square of kMaxSearchRadius. A search rarely needs more than the first; the
// square's 1,050,625 offsets (4 MiB) are built only when a search goes that far.
constexpr std::array<int, 3> kDiscRadii{16, 64, 256};
constexpr std::size_t kTables = kDiscRadii.size() + 1;

const std::vector<Offset>& table(std::size_t stage) {
    static std::array<std::once_flag, kTables> built;
    static std::array<std::vector<Offset>, kTables> tables;
    std::call_once(built[stage], [stage] {
        const bool square = stage == kDiscRadii.size();
        const int reach = square ? kMaxSearchRadius : kDiscRadii[stage];
        auto& offsets = tables[stage];
        for (int dy = -reach; dy <= reach; ++dy) {
            for (int dx = -reach; dx <= reach; ++dx) {
                const Offset offset{static_cast<std::int16_t>(dx), static_cast<std::int16_t>(dy)};
                if (square || offset.squared() <= std::int64_t{reach} * reach) {
                    offsets.push_back(offset);
                }
            }
        }
        std::sort(offsets.begin(), offsets.end(), answer_order);
    });
    return tables[stage];
}

std::size_t first_at_least(const std::vector<Offset>& offsets, std::int64_t squared) {
    return static_cast<std::size_t>(
        std::partition_point(offsets.begin(), offsets.end(),
                             [squared](const Offset& o) { return o.squared() < squared; }) -
        offsets.begin());
}

}  // namespace

std::optional<std::pair<int, int>> nearest_free_footprint(GridState& state, int x, int y,
                                                          int size_x, int size_y,
                                                          int max_coordinate, WorkBudget* budget) {
    const GridState::FootprintSearch search{x, y, map_cells_of(size_x), map_cells_of(size_y),
                                            max_coordinate};
    const std::int64_t floor = state.taken_floor(search);
    std::size_t stage = 0;
    const std::vector<Offset>* offsets = &table(stage);
    std::size_t i = first_at_least(*offsets, floor);
    while (true) {
        if (i == offsets->size()) {
            if (++stage == kTables) {
                break;
            }
            offsets = &table(stage);  // the same offsets first: go on where this one ended
            i = std::max(i, first_at_least(*offsets, floor));
            continue;
        }
        const Offset offset = (*offsets)[i++];
        if (budget != nullptr) {
            budget->spend(1);
        }
        const int cx = x + offset.dx;
        const int cy = y + offset.dy;
        if (cx < 0 || cy < 0 || cx + search.w - 1 > max_coordinate ||
            cy + search.h - 1 > max_coordinate) {
            continue;
        }
        if (state.footprint_free(cx, cy, size_x, size_y, budget)) {
            state.note_taken_floor(search, offset.squared());
            return std::pair{cx, cy};
        }
    }
    state.note_taken_floor(search, std::numeric_limits<std::int64_t>::max());
    return std::nullopt;
}

}  // namespace vergegrid::control
