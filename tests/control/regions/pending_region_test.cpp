// Pending regions (docs/api.md, "Pending regions"): a create no simulator can take waits as a
// pending region; the placer puts pending regions on simulators in creation order as soon as one
// can take them. Over real storage and the basic-rules policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "control/audit/audit_trail.hpp"
#include "control/regions/pending_placer.hpp"
#include "control/regions/region_json.hpp"
#include "strict_json/strict_json.hpp"
#include "tests/control/regions/region_fixture.hpp"
#include "tests/support/placement_policies.hpp"

namespace vergegrid::control {
namespace {

class PendingRegionTest : public RegionFixture {
  protected:
    PendingRegionTest() {
        set_state(kSimulator, "offline");
        set_state(kOtherSimulator, "offline");
    }

    void set_state(const std::string& simulator_id, const std::string& state, int capacity = 10) {
        store().write([&](plugin_api::StorageTransaction& tx) {
            auto simulator = *access_store(tx).find_simulator(simulator_id);
            simulator.state = state;
            simulator.capacity = capacity;
            access_store(tx).update_simulator(simulator);
        });
    }

    Committed<RegionChanged> create_auto(const std::string& name,
                                         nlohmann::json extra = nlohmann::json::object()) {
        nlohmann::json body = {{"name", name}, {"estate_id", estate_id}};
        body.update(extra);
        return placed_regions.create(actor(), {body});
    }

    int place() { return place_pending_regions(store(), placed_regions, 10); }

    std::vector<plugin_api::Operation> all_operations() {
        return store().read([&](plugin_api::StorageTransaction& tx) {
            return operation_store(tx).list_operations({}, 0, 100);
        });
    }

    test::PlacementPolicies policies;
    kernel::services::ActiveSlot<plugin_api::PlacementPolicy> policy_slot;
    // The service wraps the slot's policy when it is made: the policy goes in first.
    std::shared_ptr<PlacementService> placement = [this] {
        policy_slot.swap(policies.make("basic-rules"));
        return std::make_shared<PlacementService>(policy_slot, "basic-rules",
                                                  std::vector<std::string>{"basic-rules"}, nullptr,
                                                  PortRange{});
    }();
    RegionService placed_regions{store(), RegionChannel{&sync_, &signals}, placement};
};

TEST_F(PendingRegionTest, ACreateNoSimulatorCanTakeIsPendingWithItsReasonsAndNoOperation) {
    const auto created = create_auto("Alpha");
    const RegionRecord& region = created.value.region;
    EXPECT_TRUE(region.placement_pending);
    EXPECT_FALSE(region.placement_reasons.empty());
    EXPECT_EQ(region.host, "");
    EXPECT_EQ(region.port, 0);
    EXPECT_EQ(region.placement.simulator_id, "");
    const auto json = region_answer_json(region);
    EXPECT_EQ(json.at("placement_state"), "pending");
    EXPECT_EQ(json.at("placement_reasons"), nlohmann::json(region.placement_reasons));
    EXPECT_TRUE(all_operations().empty());

    const RegionRecord read = placed_regions.get(region.uuid);
    EXPECT_TRUE(read.placement_pending);
    EXPECT_EQ(read.placement_reasons, region.placement_reasons);
    const auto listed = placed_regions.list({}, "", 10);
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_TRUE(listed[0].placement_pending);
    EXPECT_EQ(placed_regions.list({}, "", 10, "pending").size(), 1U);
    EXPECT_TRUE(placed_regions.list({}, "", 10, "placed").empty());
}

// A change's answer is made from the document the version stored, not by building the region
// again: it must be the same answer, member for member, pending or placed, and with no member
// twice (strict_json refuses duplicates).
TEST_F(PendingRegionTest, TheAnswerMadeFromTheStoredDocumentIsTheRegionsAnswer) {
    const auto expect_same_answer = [](const RegionChanged& change) {
        ASSERT_FALSE(change.document.empty());
        EXPECT_EQ(strict_json::parse(change.document), region_to_json(change.region));
        const nlohmann::json more = {{"change", change.change}, {"changes", change.fields}};
        auto expected = region_answer_json(change.region);
        expected.update(more);
        EXPECT_EQ(strict_json::parse(region_answer_text(change.document, change.region, more)),
                  expected);
    };
    const auto pending = create_auto("Alpha");
    EXPECT_TRUE(pending.value.region.placement_pending);
    expect_same_answer(pending.value);
    set_state(kSimulator, "online");
    const auto placed = create_auto("Beta");
    EXPECT_FALSE(placed.value.region.placement_pending);
    expect_same_answer(placed.value);
    const auto updated = placed_regions.update(
        actor(), {placed.value.region.uuid, std::nullopt, {{"draw_distance_cap", 128}}});
    expect_same_answer(updated.value);
    // Nothing changed, no version written: no document, and the answer is built.
    const auto unchanged = placed_regions.update(
        actor(), {placed.value.region.uuid, std::nullopt, {{"draw_distance_cap", 128}}});
    EXPECT_TRUE(unchanged.value.document.empty());
}

TEST_F(PendingRegionTest, TwoPendingRegionsDoNotCollideOnHostAndPort) {
    create_auto("Alpha");
    create_auto("Beta");
    EXPECT_EQ(placed_regions.list({}, "", 10, "pending").size(), 2U);
}

TEST_F(PendingRegionTest, RequirePlacementKeepsThe409) {
    try {
        create_auto("Alpha", {{"require_placement", true}});
        FAIL() << "created";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::conflict);
        EXPECT_EQ(e.code(), "no_placement");
    }
    EXPECT_TRUE(placed_regions.list({}, "", 10).empty());
}

TEST_F(PendingRegionTest, ARequirePlacementThatIsNoBooleanIsABadField) {
    try {
        create_auto("Alpha", {{"require_placement", "yes"}});
        FAIL() << "created";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::invalid_input);
        EXPECT_EQ(e.field(), "require_placement");
    }
}

TEST_F(PendingRegionTest, APlacedRegionSaysSo) {
    set_state(kSimulator, "online");
    const auto created = create_auto("Alpha");
    EXPECT_FALSE(created.value.region.placement_pending);
    EXPECT_EQ(region_answer_json(created.value.region).at("placement_state"), "placed");
    EXPECT_EQ(placed_regions.list({}, "", 10, "placed").size(), 1U);
}

TEST_F(PendingRegionTest, APinnedCreateIsRefusedNotPending) {
    EXPECT_THROW(create_auto("Alpha", {{"placement", {{"simulator_id", kSimulator}}}}),
                 DomainError);
    EXPECT_TRUE(placed_regions.list({}, "", 10).empty());
}

TEST_F(PendingRegionTest, PendingRegionsArePlacedInCreationOrderWhenASimulatorComesOnline) {
    const auto first = create_auto("Zulu").value.region;  // created first, named last
    const auto second = create_auto("Alpha").value.region;
    const auto third = create_auto("Mike").value.region;
    EXPECT_EQ(place(), 0);
    set_state(kSimulator, "online", 2);  // room for two: the two oldest
    EXPECT_EQ(place(), 2);
    const auto a = placed_regions.get(first.uuid);
    const auto b = placed_regions.get(second.uuid);
    const auto c = placed_regions.get(third.uuid);
    EXPECT_FALSE(a.placement_pending);
    EXPECT_EQ(a.placement.simulator_id, kSimulator);
    EXPECT_NE(a.port, 0);
    EXPECT_FALSE(a.host.empty());
    EXPECT_FALSE(b.placement_pending);
    EXPECT_TRUE(c.placement_pending);
    EXPECT_EQ(a.version.to_string(), "1.1.0");

    // Exactly the create operation a normal create queues, and the history/audit of "placed".
    const auto queued = operations(kSimulator);
    ASSERT_EQ(queued.size(), 2U);
    for (const auto& operation : queued) {
        EXPECT_EQ(operation.kind, "create");
    }
    const auto history = placed_regions.history(first.uuid);
    ASSERT_EQ(history.size(), 2U);
    EXPECT_EQ(history[1].change, "placed");
    EXPECT_EQ(audit("region.placed").size(), 2U);
}

TEST_F(PendingRegionTest, ARollbackToThePendingVersionKeepsTheSimulator) {
    const auto waiting = create_auto("Waiting").value.region;
    set_state(kSimulator, "online");
    ASSERT_EQ(place(), 1);
    const auto placed = placed_regions.get(waiting.uuid);
    const auto rolled =
        placed_regions.rollback(actor(), {waiting.uuid, std::nullopt, waiting.version}).value;
    EXPECT_EQ(rolled.region.placement.simulator_id, kSimulator);
    EXPECT_EQ(rolled.region.host, placed.host);
    EXPECT_EQ(rolled.region.port, placed.port);
}

TEST_F(PendingRegionTest, APendingRegionIsPlacedWhenCapacityFrees) {
    set_state(kSimulator, "online", 1);
    const auto occupant = create_auto("Occupant").value.region;
    const auto waiting = create_auto("Waiting").value.region;
    EXPECT_TRUE(waiting.placement_pending);
    placed_regions.remove(actor(), {occupant.uuid, std::nullopt});
    EXPECT_EQ(place(), 1);
    EXPECT_EQ(placed_regions.get(waiting.uuid).placement.simulator_id, kSimulator);
}

TEST_F(PendingRegionTest, APendingRegionIsPlacedWhenItsSimulatorIsUncordoned) {
    set_state(kSimulator, "cordoned");
    const auto waiting = create_auto("Waiting").value.region;
    EXPECT_TRUE(waiting.placement_pending);
    EXPECT_EQ(place(), 0);
    set_state(kSimulator, "online");
    EXPECT_EQ(place(), 1);
}

TEST_F(PendingRegionTest, StillRefusedKeepsItPendingWithFreshReasons) {
    const auto waiting = create_auto("Waiting").value.region;
    set_state(kSimulator, "cordoned");
    EXPECT_EQ(place(), 0);
    const auto again = placed_regions.get(waiting.uuid);
    EXPECT_TRUE(again.placement_pending);
    EXPECT_THAT(again.placement_reasons, ::testing::Contains(::testing::HasSubstr(kSimulator)));
}

TEST_F(PendingRegionTest, APendingRegionCanBeChangedAndDeleted) {
    const auto waiting = create_auto("Waiting").value.region;
    const auto changed =
        placed_regions.update(actor(), {waiting.uuid, std::nullopt, {{"terrain_preset", "flat"}}});
    EXPECT_TRUE(changed.value.region.placement_pending);
    EXPECT_EQ(changed.value.region.terrain_preset, "flat");
    try {
        placed_regions.update(
            actor(), {waiting.uuid, std::nullopt, {{"host", "h.example"}, {"port", 9001}}});
        FAIL() << "placed by PATCH";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.code(), "region_pending");
    }
    placed_regions.remove(actor(), {waiting.uuid, std::nullopt});
    EXPECT_TRUE(placed_regions.list({}, "", 10).empty());
    EXPECT_EQ(place(), 0);
    EXPECT_TRUE(all_operations().empty());
}

TEST_F(PendingRegionTest, ARestartMoveOrStubOfAPendingRegionIs409RegionPending) {
    const auto waiting = create_auto("Waiting").value.region;
    for (const auto& attempt : std::vector<std::function<void()>>{
             [&] { placed_regions.restart(actor(), waiting.uuid); },
             [&] {
                 placed_regions.move(actor(), {waiting.uuid, std::nullopt, "", false});
             },
             [&] { placed_regions.stub(waiting.uuid); }}) {
        try {
            attempt();
            FAIL() << "ran on a pending region";
        } catch (const DomainError& e) {
            EXPECT_EQ(e.fault(), Fault::conflict);
            EXPECT_EQ(e.code(), "region_pending");
        }
    }
}

TEST_F(PendingRegionTest, TheWakeRunsThePlacerAfterASimulatorComesOnline) {
    const auto waiting = create_auto("Waiting").value.region;
    auto wake = std::make_shared<PendingPlacementWake>();
    const Store waking(storage_, std::make_shared<const EventConsumers>(
                                     EventConsumers{std::make_shared<AuditTrail>(), wake}));
    // A sweep far away: only the wake can place it within the test.
    auto placer = std::make_shared<PendingPlacer>(store(), placed_regions, test::quiet_log(),
                                                  std::chrono::hours(1));
    wake->connect([placer] { placer->wake(); });
    // Its first pass (at start) finds nothing to place; only the wake can place it after.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    set_state(kSimulator, "online");
    waking.command(actor(), [&](Changes& changes) {
        changes.record({"simulator.online", "simulator", kSimulator, nullptr, nullptr});
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (placed_regions.get(waiting.uuid).placement_pending &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_FALSE(placed_regions.get(waiting.uuid).placement_pending);
    wake->connect({});
}

TEST_F(PendingRegionTest, TheWakersAreTheEventsThatMakeRoom) {
    const auto& wakers = PendingPlacementWake::wakers();
    for (const char* type : {"simulator.register", "simulator.online", "simulator.uncordon",
                             "region.delete", "region.move"}) {
        EXPECT_TRUE(wakers.contains(type)) << type;
    }
    EXPECT_FALSE(wakers.contains("region.placed"));  // the placer's own: no loop
}

}  // namespace
}  // namespace vergegrid::control
