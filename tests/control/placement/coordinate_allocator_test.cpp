// The free footprint nearest to a point; var regions need all their cells free.
#include "control/placement/coordinate_allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

#include "tests/control/placement/grid_fixture.hpp"

namespace {

using namespace vergegrid::control;
using vergegrid::test::region_on;

TEST(CoordinateAllocator, AFreePointIsItsOwnAnswer) {
    auto state = GridState::from({}, {});
    EXPECT_EQ(nearest_free_footprint(state, 1000, 1000, 256, 256, 16'777'215),
              std::pair(1000, 1000));
}

TEST(CoordinateAllocator, ATakenPointGivesTheNearestFreeCellLowestYThenX) {
    auto state = GridState::from({}, {region_on("Centre", "", 1000, 1000)});
    // Four cells at distance 1; the lowest y first: <1000,999>.
    EXPECT_EQ(nearest_free_footprint(state, 1000, 1000, 256, 256, 16'777'215),
              std::pair(1000, 999));
}

TEST(CoordinateAllocator, AVarRegionNeedsItsWholeFootprintFree) {
    // A row of regions at y=10, x 10..12: every 2x2 footprint at distance 1 below or beside
    // <10,10> overlaps it; the nearest one entirely free starts right above.
    auto state = GridState::from(
        {}, {region_on("A", "", 10, 10), region_on("B", "", 11, 10), region_on("C", "", 12, 10)});
    const auto spot = nearest_free_footprint(state, 10, 10, 512, 512, 16'777'215);
    ASSERT_TRUE(spot);
    EXPECT_TRUE(state.footprint_free(spot->first, spot->second, 512, 512));
    EXPECT_EQ(*spot, std::pair(10, 11));  // right above A and B, distance 1
}

TEST(CoordinateAllocator, TheGridEdgeIsRespected) {
    auto state = GridState::from({}, {region_on("Corner", "", 0, 0)});
    EXPECT_EQ(nearest_free_footprint(state, 0, 0, 256, 256, 16'777'215), std::pair(1, 0));
    const auto edge = nearest_free_footprint(state, 100, 100, 1024, 1024, 100);
    ASSERT_TRUE(edge);
    EXPECT_EQ(*edge, std::pair(97, 97));
}

}  // namespace

namespace {

// The search spends one unit per candidate and per cell probed: a budget that covers it gives
// the unbounded answer, one that does not stops the search instead of letting it run on.
TEST(CoordinateAllocator, TheSearchSpendsItsWorkBudgetAndStopsWhenItRunsOut) {
    auto state = GridState::from(
        {}, {region_on("A", "", 10, 10), region_on("B", "", 11, 10), region_on("C", "", 12, 10)});
    const auto unbounded = nearest_free_footprint(state, 10, 10, 512, 512, 16'777'215);
    WorkBudget enough(1'000'000);
    EXPECT_EQ(nearest_free_footprint(state, 10, 10, 512, 512, 16'777'215, &enough), unbounded);
    WorkBudget tiny(3);
    EXPECT_THROW(nearest_free_footprint(state, 10, 10, 512, 512, 16'777'215, &tiny),
                 WorkBudgetExhausted);
}

}  // namespace

namespace {

// Every position of the map, the nearest free one kept: what the search must answer, without
// what it remembers.
std::optional<std::pair<int, int>> exhaustive_nearest(const GridState& state, int x, int y,
                                                      int size_x, int size_y, int max_coordinate) {
    const int w = std::max(size_x / 256, 1);
    const int h = std::max(size_y / 256, 1);
    std::optional<std::tuple<std::int64_t, int, int>> best;
    for (int cy = std::max(0, y - kMaxSearchRadius);
         cy <= std::min(max_coordinate - h + 1, y + kMaxSearchRadius); ++cy) {
        for (int cx = std::max(0, x - kMaxSearchRadius);
             cx <= std::min(max_coordinate - w + 1, x + kMaxSearchRadius); ++cx) {
            const std::int64_t dx = cx - x;
            const std::int64_t dy = cy - y;
            const std::tuple key{dx * dx + dy * dy, cy, cx};
            if ((!best || key < *best) && state.footprint_free(cx, cy, size_x, size_y)) {
                best = key;
            }
        }
    }
    if (!best) {
        return std::nullopt;
    }
    return std::pair{std::get<2>(*best), std::get<1>(*best)};
}

// One long-lived state (as the grid cache keeps it) through random creates at the nearest free
// footprint, regions removed and put back: after every step the search, starting past what it
// remembers, answers exactly what a walk over the whole map answers, for several centres and
// sizes, including a map with nothing free.
TEST(CoordinateAllocator, WhatASearchRemembersNeverChangesItsAnswer) {
    constexpr int kMax = 30;
    std::mt19937 random(20261204);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
    auto state = GridState::from({}, {});
    const std::vector<std::tuple<int, int, int, int>> probes{{15, 15, 256, 256},
                                                             {15, 15, 512, 256},
                                                             {0, 0, 256, 256},
                                                             {29, 3, 768, 768},
                                                             {15, 15, 256, 512}};
    std::vector<PlacedRegion> placed;
    int made = 0;
    int full = 0;
    for (int step = 0; step < 2000; ++step) {
        SCOPED_TRACE("step " + std::to_string(step));
        if (pick(10) < 7 || placed.empty()) {
            const auto& [x, y, sx, sy] = probes[pick(static_cast<int>(probes.size()))];
            const auto spot = nearest_free_footprint(state, x, y, sx, sy, kMax);
            if (spot) {
                const std::string name = "R" + std::to_string(made++);
                PlacedRegion region{"uuid-" + name, name,         "", "", 0,
                                    spot->first,    spot->second, sx, sy};
                state.add(region);
                placed.push_back(region);
            } else {
                ++full;
            }
        } else {
            const auto victim = static_cast<std::size_t>(pick(static_cast<int>(placed.size())));
            state.remove(placed[victim].uuid);
            if (pick(3) == 0) {
                state.add(placed[victim]);  // read back, as the cache does after a transaction
            } else {
                placed.erase(placed.begin() + static_cast<std::ptrdiff_t>(victim));
            }
        }
        for (const auto& [x, y, sx, sy] : probes) {
            ASSERT_EQ(nearest_free_footprint(state, x, y, sx, sy, kMax),
                      exhaustive_nearest(state, x, y, sx, sy, kMax))
                << "centre " << x << "," << y << " size " << sx << "x" << sy;
        }
    }
    EXPECT_GT(full, 0);  // the map filled up at times
    EXPECT_GT(made, 500);
}

// A search whose nearest free footprint lies beyond the smaller tables' reach (a centre 300
// regions off the map's edge) goes on in the larger one, and still remembers and forgets.
TEST(CoordinateAllocator, ASearchBeyondTheSmallerTablesGoesOnInTheLargerOnes) {
    auto state = GridState::from({}, {});
    EXPECT_EQ(nearest_free_footprint(state, 350, -300, 256, 256, 700), std::pair(350, 0));
    state.add(vergegrid::test::region_on("A", "", 350, 0));
    EXPECT_EQ(nearest_free_footprint(state, 350, -300, 256, 256, 700), std::pair(349, 0));
    EXPECT_EQ(exhaustive_nearest(state, 350, -300, 256, 256, 700), std::pair(349, 0));
    state.remove("uuid-A");
    EXPECT_EQ(nearest_free_footprint(state, 350, -300, 256, 256, 700), std::pair(350, 0));
    // Beyond the square of kMaxSearchRadius: nothing, and nothing remembered wrongly after.
    EXPECT_EQ(nearest_free_footprint(state, 350, -600, 256, 256, 700), std::nullopt);
    EXPECT_EQ(nearest_free_footprint(state, 350, -300, 256, 256, 700), std::pair(350, 0));
}

}  // namespace
