// plan_rebalance() on grids built by hand, with the real built-in policies behind the engine's hard
// rules: new empty simulators take regions until every simulator is within one region of the
// mean share; max_moves, moving regions, cordoned/offline simulators and policy refusals are
// respected; a balanced grid plans nothing.
#include "control/migrations/rebalance_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/control/placement/grid_fixture.hpp"
#include "tests/support/placement_policies.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using namespace vergegrid::control;
using vergegrid::test::simulator;

class Rebalance : public ::testing::Test {
  protected:
    void use_policy(const std::string& name) {
        slot_.swap(policies_.make(name));
        placement_ = std::make_unique<PlacementService>(slot_, name, std::vector<std::string>{name},
                                                        nullptr, PortRange{9000, 9999});
    }

    Rebalance() { use_policy("basic-rules"); }

    // `count` regions on `sim`, in a row of map cells of their own, ports from 9000.
    void fill(const std::string& sim, int count, std::vector<std::string> labels = {}) {
        for (int i = 0; i < count; ++i) {
            api::Region region;
            region.name = sim + "-" + std::to_string(i);
            region.uuid = "uuid-" + region.name;
            region.placement.simulator_id = sim;
            region.placement.required_labels = labels;
            region.host = sim + ".example.org";
            region.port = 9000 + i;
            region.loc_x = 1000 + static_cast<int>(regions_.size());
            region.loc_y = 1000;
            region.size_x = 256;
            region.size_y = 256;
            regions_[region.uuid] = region;
        }
    }

    GridState state(const std::vector<api::Simulator>& simulators) const {
        std::vector<PlacedRegion> placed;
        for (const auto& [uuid, region] : regions_) {
            placed.push_back(placed_region(region));
        }
        return GridState::from(simulators, placed);
    }

    std::vector<RebalanceMove> plan(GridState& grid, int max_moves = 100) {
        return plan_rebalance(
            grid, *placement_, [this](const std::string& uuid) { return regions_.at(uuid); },
            [this](const std::string& uuid) { return moving_.count(uuid) != 0; }, max_moves);
    }

    static std::map<std::string, int> counts(const GridState& grid) {
        std::map<std::string, int> out;
        for (const auto& sim : grid.simulators()) {
            out[sim.id] = sim.region_count;
        }
        return out;
    }

    vergegrid::test::PlacementPolicies policies_;
    vergegrid::kernel::services::ActiveSlot<api::PlacementPolicy> slot_;
    std::unique_ptr<PlacementService> placement_;
    std::map<std::string, api::Region> regions_;
    std::set<std::string> moving_;
};

TEST_F(Rebalance, NewEmptySimulatorsTakeRegionsUntilEveryoneIsWithinOneRegionOfTheMean) {
    fill("a", 4);
    fill("b", 4);
    fill("c", 4);
    auto grid = state({simulator("a", 4), simulator("b", 4), simulator("c", 4), simulator("d", 4),
                       simulator("e", 4)});
    const auto moves = plan(grid);

    // 12 regions on 20 places: 2.4 each on average; every simulator ends within one region.
    const auto after = counts(grid);
    for (const auto& [sim, count] : after) {
        EXPECT_GE(count, 2) << sim;
        EXPECT_LE(count, 3) << sim;
    }
    EXPECT_EQ(moves.size(), 4U) << "4,4,4,0,0 -> 3,3,2,2,2 (in some order) takes four moves";
    std::set<std::string> moved;
    for (const auto& move : moves) {
        EXPECT_TRUE(move.from_simulator_id == "a" || move.from_simulator_id == "b" ||
                    move.from_simulator_id == "c")
            << move.from_simulator_id;
        EXPECT_TRUE(move.to_simulator_id == "d" || move.to_simulator_id == "e")
            << move.to_simulator_id;
        EXPECT_EQ(regions_.at(move.region_id).name, move.region_name);
        EXPECT_EQ(regions_.at(move.region_id).placement.simulator_id, move.from_simulator_id);
        EXPECT_FALSE(move.reasons.empty());
        EXPECT_TRUE(moved.insert(move.region_id).second) << "a region moves once per plan";
        // Reserved in the state: the region is on its target there.
        EXPECT_EQ(grid.find_region(move.region_name)->simulator_id, move.to_simulator_id);
    }
}

TEST_F(Rebalance, TheMostLoadedSimulatorGivesFirst) {
    fill("a", 2);
    fill("b", 6);
    auto grid = state({simulator("a", 10), simulator("b", 10), simulator("c", 10)});
    const auto moves = plan(grid, 1);
    ASSERT_EQ(moves.size(), 1U);
    EXPECT_EQ(moves[0].from_simulator_id, "b");
    EXPECT_EQ(moves[0].to_simulator_id, "c");
}

TEST_F(Rebalance, StopsAtMaxMoves) {
    fill("a", 4);
    fill("b", 4);
    fill("c", 4);
    auto grid = state({simulator("a", 4), simulator("b", 4), simulator("c", 4), simulator("d", 4),
                       simulator("e", 4)});
    EXPECT_EQ(plan(grid, 2).size(), 2U);
    EXPECT_EQ(counts(grid)["d"] + counts(grid)["e"], 2) << "only the planned moves are reserved";
    auto again = state({simulator("a", 4), simulator("b", 4), simulator("c", 4), simulator("d", 4),
                        simulator("e", 4)});
    EXPECT_TRUE(plan(again, 0).empty());
}

TEST_F(Rebalance, SkipsRegionsThatAreAlreadyMoving) {
    fill("a", 4);
    for (const auto& [uuid, region] : regions_) {
        if (region.name != "a-3") {
            moving_.insert(uuid);
        }
    }
    auto grid = state({simulator("a", 4), simulator("b", 4)});
    const auto moves = plan(grid);
    ASSERT_EQ(moves.size(), 1U);
    EXPECT_EQ(moves[0].region_name, "a-3");
    EXPECT_EQ(moves[0].to_simulator_id, "b");
}

TEST_F(Rebalance, ABalancedGridPlansNothing) {
    fill("a", 3);
    fill("b", 2);
    fill("c", 3);
    auto grid = state({simulator("a", 10), simulator("b", 10), simulator("c", 10)});
    const auto before = counts(grid);
    EXPECT_TRUE(plan(grid).empty());
    EXPECT_EQ(counts(grid), before) << "nothing reserved either";
}

TEST_F(Rebalance, AnEmptyGridPlansNothing) {
    auto grid = state({simulator("a", 4), simulator("b", 4)});
    EXPECT_TRUE(plan(grid).empty());
    auto nothing = state({});
    EXPECT_TRUE(plan(nothing).empty());
}

TEST_F(Rebalance, NeverChoosesACordonedOrOfflineTargetNorMovesTheirRegions) {
    fill("a", 6);
    fill("off", 1);
    auto grid =
        state({simulator("a", 6), simulator("b", 6), simulator("cordoned", 6, {}, "cordoned"),
               simulator("off", 6, {}, "offline")});
    const auto moves = plan(grid);
    ASSERT_FALSE(moves.empty());
    for (const auto& move : moves) {
        EXPECT_EQ(move.from_simulator_id, "a");
        EXPECT_EQ(move.to_simulator_id, "b");
    }
    EXPECT_EQ(counts(grid)["cordoned"], 0);
    EXPECT_EQ(counts(grid)["off"], 1) << "an offline simulator's regions are evacuated, not "
                                         "rebalanced";
    // The mean is 3 regions each: 4 is within one region of it, so the plan stops there.
    EXPECT_EQ(counts(grid)["a"], 4);
    EXPECT_EQ(counts(grid)["b"], 2);
}

TEST_F(Rebalance, ARegionGoesOnlyWhereThePolicyTakesIt) {
    // Every region of a needs the label gpu; only c carries it, and b is emptier.
    fill("a", 6, {"gpu"});
    auto grid = state({simulator("a", 6, {"gpu"}), simulator("b", 6), simulator("c", 6, {"gpu"})});
    const auto moves = plan(grid);
    ASSERT_FALSE(moves.empty());
    for (const auto& move : moves) {
        EXPECT_EQ(move.to_simulator_id, "c") << move.region_name;
    }
    EXPECT_EQ(counts(grid)["b"], 0);
}

TEST_F(Rebalance, NothingMovesWhenNoSimulatorWouldTakeTheRegions) {
    fill("a", 4, {"gpu"});
    auto grid = state({simulator("a", 4, {"gpu"}), simulator("b", 4)});
    EXPECT_TRUE(plan(grid).empty());
    EXPECT_EQ(counts(grid)["a"], 4) << "a refused move leaves the region where it was";
}

TEST_F(Rebalance, AnOverloadedSimulatorGivesUpOneRegionPerPlan) {
    // Not above the mean by count, but past the hard CPU limit: one region goes, and the next
    // rebalance sees what that did to its load.
    fill("a", 3);
    fill("b", 3);
    auto hot = simulator("a", 10);
    hot.cpu_load = 0.95;
    auto grid = state({hot, simulator("b", 10), simulator("c", 10)});
    const auto moves = plan(grid);
    ASSERT_EQ(moves.size(), 1U) << "c is pulled up to within one region of the mean (2) once";
    EXPECT_EQ(moves[0].from_simulator_id, "a") << "equal shares: the lowest id gives first";
    EXPECT_EQ(moves[0].to_simulator_id, "c");
}

TEST_F(Rebalance, SimulatorsWithoutARegionLimitAreBalancedByCount) {
    // Capacity 0 and no placement.max_regions: no share to compare, so plain counts are.
    fill("a", 6);
    auto grid = state({simulator("a", 0), simulator("b", 0), simulator("c", 0)});
    // The mean is 2 regions each; the plan stops once nobody is more than one region off it.
    EXPECT_EQ(plan(grid).size(), 3U);
    EXPECT_EQ(counts(grid), (std::map<std::string, int>{{"a", 3}, {"b", 2}, {"c", 1}}));
}

TEST_F(Rebalance, WorksWithTheOtherBuiltInPolicies) {
    for (const char* name : {"spread", "binpack"}) {
        SCOPED_TRACE(name);
        use_policy(name);
        regions_.clear();
        fill("a", 4);
        fill("b", 4);
        auto grid = state({simulator("a", 4), simulator("b", 4), simulator("c", 4)});
        plan(grid);
        for (const auto& [sim, count] : counts(grid)) {
            EXPECT_GE(count, 2) << sim;
            EXPECT_LE(count, 3) << sim;
        }
    }
}

TEST_F(Rebalance, WithoutAPolicyThereIsNoPlan) {
    slot_.swap(nullptr);
    placement_ = std::make_unique<PlacementService>(slot_, "", std::vector<std::string>{}, nullptr,
                                                    PortRange{9000, 9999});
    fill("a", 4);
    auto grid = state({simulator("a", 4), simulator("b", 4)});
    try {
        plan(grid);
        FAIL() << "planned without a policy";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.code(), "placement_unavailable");
    }
}

}  // namespace
