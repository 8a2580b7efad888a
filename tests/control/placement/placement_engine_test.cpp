// decide(): filter, score, pick, port; ties, refusals, pins, forced pins, affinity; and the
// index's fast path against it.
#include "control/placement/placement_engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "control/placement/placement_index.hpp"
#include "tests/control/placement/grid_fixture.hpp"
#include "tests/support/placement_policies.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using namespace vergegrid::control;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using vergegrid::test::region_on;
using vergegrid::test::simulator;

PlacementRequest ask(const std::string& name = "New") {
    PlacementRequest request;
    request.needs.region_name = name;
    return request;
}

class Engine : public ::testing::Test {
  protected:
    vergegrid::test::PlacementPolicies policies_;
    std::shared_ptr<api::PlacementPolicy> spread_ = policies_.make("spread");
    PortRange ports_{9000, 9009};
};

TEST_F(Engine, TiesGoToTheLowestSimulatorIdWhateverTheListingOrder) {
    auto state = GridState::from({simulator("c"), simulator("a"), simulator("b")}, {});
    auto first = decide(*spread_, "spread", state, ask("One"), ports_);
    ASSERT_TRUE(first.placed);
    EXPECT_EQ(first.simulator_id, "a");
    state.add(reserved_region(first, "u1", "One", 0, 0, 256, 256));
    // a now holds one region more: b and c tie, and b is first.
    EXPECT_EQ(decide(*spread_, "spread", state, ask("Two"), ports_).simulator_id, "b");
}

TEST_F(Engine, ARefusalExplainsEverySimulator) {
    auto state = GridState::from({simulator("full", 1), simulator("gone", 10, {}, "offline"),
                                  simulator("kept", 10, {}, "cordoned")},
                                 {region_on("Old", "full", 0, 0)});
    const auto decision = decide(*spread_, "spread", state, ask(), ports_);
    EXPECT_FALSE(decision.placed);
    EXPECT_EQ(decision.summary, "none of the 3 simulators can take the region");
    ASSERT_EQ(decision.refusals.size(), 3u);
    EXPECT_THAT(decision.refusals.at("full"), HasSubstr("full: 1 of 1 regions"));
    EXPECT_THAT(decision.refusals.at("gone"), HasSubstr("offline"));
    EXPECT_THAT(decision.refusals.at("kept"), HasSubstr("cordoned"));
}

TEST_F(Engine, NoSimulatorAtAllIsSaidPlainly) {
    const auto decision = decide(*spread_, "spread", GridState::from({}, {}), ask(), ports_);
    EXPECT_FALSE(decision.placed);
    EXPECT_EQ(decision.summary, "no simulator is registered");
}

TEST_F(Engine, PortsAreTheLowestFreeOnTheHostAndRunOut) {
    auto state = GridState::from(
        {simulator("a")}, {region_on("R0", "a", 0, 0, 9000), region_on("R2", "a", 1, 0, 9002)});
    auto decision = decide(*spread_, "spread", state, ask(), ports_);
    EXPECT_EQ(decision.port, 9001);
    EXPECT_EQ(decision.host, "a.example.org");
    auto narrow = decide(*spread_, "spread", state, ask(), PortRange{9000, 9000});
    EXPECT_FALSE(narrow.placed);
    EXPECT_EQ(narrow.refusals.at("a"), "no free port in 9000-9000 on host a.example.org");
    auto asked = ask();
    asked.port = 9002;
    EXPECT_EQ(decide(*spread_, "spread", state, asked, ports_).refusals.at("a"),
              "port 9002 is taken on host a.example.org");
}

TEST_F(Engine, APinIsCheckedByThePolicyAndForcedOnlyOnRequest) {
    auto state =
        GridState::from({simulator("a"), simulator("busy", 1)}, {region_on("Old", "busy", 0, 0)});
    auto pinned = ask();
    pinned.pin = "a";
    auto ok = decide(*spread_, "spread", state, pinned, ports_);
    EXPECT_TRUE(ok.placed);
    EXPECT_EQ(ok.simulator_id, "a");
    EXPECT_THAT(ok.reasons.front(), HasSubstr("pinned to simulator a"));

    pinned.pin = "busy";
    auto refused = decide(*spread_, "spread", state, pinned, ports_);
    EXPECT_FALSE(refused.placed);
    EXPECT_THAT(refused.refusals, ElementsAre(Pair("busy", HasSubstr("full: 1 of 1"))));
    EXPECT_THAT(refused.summary, HasSubstr("\"force\": true overrides"));

    pinned.force = true;
    auto forced = decide(*spread_, "spread", state, pinned, ports_);
    EXPECT_TRUE(forced.placed);
    EXPECT_EQ(forced.simulator_id, "busy");
    EXPECT_EQ(forced.port, 9001);
    EXPECT_THAT(forced.reasons.at(1), HasSubstr("forced despite: simulator is full"));
}

TEST_F(Engine, EvenAForcedPinNeverPutsARegionOnARevokedSimulator) {
    auto state = GridState::from({simulator("r", 10, {}, "revoked")}, {});
    auto pinned = ask();
    pinned.pin = "r";
    pinned.force = true;
    EXPECT_FALSE(decide(*spread_, "spread", state, pinned, ports_).placed);
}

TEST_F(Engine, AffinityPutsARegionWithItsMapNeighbours) {
    // b is emptier (spread would choose it) but a holds the region west of <5,5>.
    auto state =
        GridState::from({simulator("a"), simulator("b")},
                        {region_on("West", "a", 4, 5), region_on("Far", "a", 50, 50, 9001)});
    auto request = ask();
    request.loc_x = 5;
    request.loc_y = 5;
    EXPECT_EQ(decide(*spread_, "spread", state, request, ports_).simulator_id, "b");
    request.affinity = true;
    const auto decision = decide(*spread_, "spread", state, request, ports_);
    EXPECT_EQ(decision.simulator_id, "a");
    EXPECT_THAT(decision.reasons.at(1), HasSubstr("holds 1 map neighbour"));
}

TEST_F(Engine, AvoidLeavesTheCurrentSimulator) {
    auto state = GridState::from({simulator("a"), simulator("b", 10, {}, "cordoned")}, {});
    auto request = ask();
    request.avoid = "a";
    const auto decision = decide(*spread_, "spread", state, request, ports_);
    EXPECT_FALSE(decision.placed);
    EXPECT_THAT(decision.refusals.at("a"), HasSubstr("moving away"));
}

TEST_F(Engine, BinpackFillsOneSimulatorBeforeTheNext) {
    auto binpack = policies_.make("binpack");
    auto state = GridState::from({simulator("a", 3), simulator("b", 3)}, {});
    std::vector<std::string> chosen;
    for (int i = 0; i < 6; ++i) {
        const auto name = "R" + std::to_string(i);
        const auto decision = decide(*binpack, "binpack", state, ask(name), ports_);
        ASSERT_TRUE(decision.placed) << i;
        chosen.push_back(decision.simulator_id);
        state.add(reserved_region(decision, "u" + name, name, i, 0, 256, 256));
    }
    EXPECT_THAT(chosen, ElementsAre("a", "a", "a", "b", "b", "b"));
    EXPECT_FALSE(decide(*binpack, "binpack", state, ask("Late"), ports_).placed);
}

// The index's fast path against the exhaustive engine on a random grid, policy by policy.
TEST_F(Engine, TheIndexChoosesExactlyWhatTheExhaustiveEngineChooses) {
    const std::vector<std::vector<std::string>> label_sets = {
        {}, {"main"}, {"event"}, {"main", "event"}, {"sandbox"}};
    for (const std::string name : {"basic-rules", "spread", "binpack"}) {
        auto policy = policies_.make(name);
        auto* indexed = dynamic_cast<api::IndexedPlacementPolicy*>(policy.get());
        ASSERT_NE(indexed, nullptr);
        std::mt19937 random(42);
        std::vector<api::Simulator> simulators;
        for (int i = 0; i < 60; ++i) {
            auto s =
                simulator("sim-" + std::to_string(1000 + i), 1 + static_cast<int>(random() % 6),
                          label_sets[random() % label_sets.size()]);
            s.hostname = "host-" + std::to_string(i % 40);  // some hosts carry two simulators
            s.cpu_load = (random() % 100) / 100.0;
            s.memory_load = (random() % 100) / 100.0;
            s.state = random() % 10 == 0 ? "cordoned" : "online";
            simulators.push_back(s);
        }
        auto fast_state = GridState::from(simulators, {});
        auto slow_state = GridState::from(simulators, {});
        PlacementIndex index(*indexed, name, fast_state, PortRange{9000, 9003});
        for (int i = 0; i < 400; ++i) {
            auto request = ask("R" + std::to_string(i));
            if (random() % 3 == 0) {
                request.needs.required_labels = {label_sets[1 + random() % 4].front()};
            }
            if (random() % 3 == 0) {
                request.needs.preferred_labels = {"event"};
            }
            request.loc_x = i;
            const auto fast = index.place(request, "u" + std::to_string(i));
            const auto slow = decide(*policy, name, slow_state, request, PortRange{9000, 9003});
            ASSERT_EQ(fast.placed, slow.placed) << name << " region " << i;
            if (!slow.placed) {
                continue;
            }
            ASSERT_EQ(fast.simulator_id, slow.simulator_id) << name << " region " << i;
            ASSERT_EQ(fast.port, slow.port) << name << " region " << i;
            slow_state.add(reserved_region(slow, "u" + std::to_string(i), request.needs.region_name,
                                           i, 0, 256, 256));
        }
    }
}

}  // namespace
