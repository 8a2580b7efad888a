// RegionPlacementService over real storage and the basic-rules policy: a plan writes nothing and
// goes on past a region that cannot be placed; a drain cordons the simulator, records
// simulator.drain and plans a move for each of its regions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/regions/region_placement_service.hpp"
#include "tests/control/regions/region_fixture.hpp"
#include "tests/support/placement_policies.hpp"

namespace vergegrid::control {
namespace {

class RegionPlacementServiceTest : public RegionFixture {
  protected:
    // The service wraps the slot's policy when it is made: the policy goes in first.
    RegionPlacementServiceTest() {
        policy_slot.swap(policies.make("basic-rules"));
        placement = std::make_shared<PlacementService>(policy_slot, "basic-rules",
                                                       std::vector<std::string>{"basic-rules"},
                                                       nullptr, PortRange{});
    }

    RegionPlacementService placements(std::uint64_t budget = 1'000'000) {
        return RegionPlacementService(store(), placement, budget);
    }

    void set_state(const std::string& simulator_id, const std::string& state) {
        store().write([&](plugin_api::StorageTransaction& tx) {
            auto simulator = *access_store(tx).find_simulator(simulator_id);
            simulator.state = state;
            access_store(tx).update_simulator(simulator);
        });
    }

    nlohmann::json new_region(const std::string& name) const {
        return {{"name", name}, {"estate_id", estate_id}};
    }

    test::PlacementPolicies policies;
    kernel::services::ActiveSlot<plugin_api::PlacementPolicy> policy_slot;
    std::shared_ptr<PlacementService> placement;
};

TEST_F(RegionPlacementServiceTest, APlanPlacesEachRegionAndWritesNothing) {
    const auto rows_before = audit().size();
    const auto plan = placements().plan({{new_region("Alpha"), new_region("Beta")}, true});
    EXPECT_EQ(plan.policy, "basic-rules");
    ASSERT_EQ(plan.placements.size(), 2U);
    for (const auto& planned : plan.placements) {
        EXPECT_FALSE(planned.failure.has_value());
        EXPECT_TRUE(planned.decision.placed) << planned.decision.summary;
    }
    // The first is reserved for the second: they do not land on the same footprint.
    EXPECT_NE(std::pair(plan.placements[0].loc_x, plan.placements[0].loc_y),
              std::pair(plan.placements[1].loc_x, plan.placements[1].loc_y));
    EXPECT_TRUE(regions.list({}, "", 10).empty());
    EXPECT_EQ(audit().size(), rows_before);
}

TEST_F(RegionPlacementServiceTest, ARegionThatCannotBePlacedDoesNotStopThePlan) {
    auto pinned = new_region("Alpha");
    pinned["placement"] = {{"simulator_id", "00000000-0000-4000-8000-00000000ffff"}};
    const auto plan = placements().plan({{pinned, new_region("Beta")}, true});
    ASSERT_EQ(plan.placements.size(), 2U);
    ASSERT_TRUE(plan.placements[0].failure.has_value());
    EXPECT_EQ(plan.placements[0].failure->field, "placement.simulator_id");
    EXPECT_THAT(plan.placements[0].failure->reason, ::testing::HasSubstr("no simulator with id"));
    EXPECT_TRUE(plan.placements[1].decision.placed);
}

TEST_F(RegionPlacementServiceTest, APlanThatRunsOutOfWorkIsTooLarge) {
    try {
        placements(1).plan({{new_region("Alpha")}, false});
        FAIL() << "a plan with a budget of 1 finished";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::unprocessable);
        EXPECT_EQ(e.code(), "plan_too_large");
        EXPECT_EQ(e.field(), "size_x");
    }
}

TEST_F(RegionPlacementServiceTest, ADrainCordonsRecordsAndPlansAMoveForEachRegion) {
    const auto region = create("Alpha");
    update(region, {{"placement", {{"simulator_id", kSimulator}}}});
    const auto drained = placements().drain(actor(), kSimulator);
    EXPECT_EQ(drained.value.simulator.state, "cordoned");
    ASSERT_EQ(drained.events.size(), 1U);
    EXPECT_EQ(drained.events[0].type, "simulator.drain");
    EXPECT_EQ(drained.events[0].entity_type, "simulator");
    EXPECT_EQ(drained.events[0].before.at("state"), "online");
    EXPECT_EQ(drained.events[0].after.at("state"), "cordoned");
    ASSERT_EQ(drained.value.moves.size(), 1U);
    EXPECT_EQ(drained.value.moves[0].region.uuid, region.uuid);
    EXPECT_TRUE(drained.value.moves[0].decision.placed);
    EXPECT_EQ(drained.value.moves[0].decision.simulator_id, kOtherSimulator);
    EXPECT_EQ(audit("simulator.drain").size(), 1U);
    // Planned, not moved.
    EXPECT_EQ(regions.get(region.uuid).placement.simulator_id, kSimulator);
}

TEST_F(RegionPlacementServiceTest, AnOfflineSimulatorStaysOfflineWhenDrained) {
    set_state(kSimulator, "offline");
    EXPECT_EQ(placements().drain(actor(), kSimulator).value.simulator.state, "offline");
}

TEST_F(RegionPlacementServiceTest, ARevokedOrUnknownSimulatorIsNotDrained) {
    set_state(kSimulator, "revoked");
    try {
        placements().drain(actor(), kSimulator);
        FAIL() << "a revoked simulator was drained";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::conflict);
        EXPECT_EQ(e.code(), "revoked");
    }
    try {
        placements().drain(actor(), "00000000-0000-4000-8000-00000000ffff");
        FAIL() << "an unknown simulator was drained";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::not_found);
    }
    EXPECT_TRUE(audit("simulator.drain").empty());
}

}  // namespace
}  // namespace vergegrid::control
