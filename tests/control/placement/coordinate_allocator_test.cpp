// The free footprint nearest to a point; var regions need all their cells free.
#include "control/placement/coordinate_allocator.hpp"

#include <gtest/gtest.h>

#include "tests/control/placement/grid_fixture.hpp"

namespace {

using namespace vergegrid::control;
using vergegrid::test::region_on;

TEST(CoordinateAllocator, AFreePointIsItsOwnAnswer) {
    const auto state = GridState::from({}, {});
    EXPECT_EQ(nearest_free_footprint(state, 1000, 1000, 256, 256, 16'777'215),
              std::pair(1000, 1000));
}

TEST(CoordinateAllocator, ATakenPointGivesTheNearestFreeCellLowestYThenX) {
    const auto state = GridState::from({}, {region_on("Centre", "", 1000, 1000)});
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
    const auto state = GridState::from({}, {region_on("Corner", "", 0, 0)});
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
