// The engine owns the hard rules: a policy whose filter() accepts everything (the reckless test
// plugin, a real .so that ranks the worst simulator first) still cannot place a region on a
// cordoned, revoked, offline, full or overloaded simulator, nor break a required label or an
// anti-affinity: not through decide(), not through the ranked index, not through the placement
// service's active policy, not as a pin without force. Also the rules' own messages and limits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "control/placement/hard_rules.hpp"
#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_index.hpp"
#include "control/placement/placement_service.hpp"
#include "control/placement/ruled_policy.hpp"
#include "plugin_host/plugin_loader.hpp"
#include "tests/control/placement/grid_fixture.hpp"
#include "tests/support/test_logger.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using namespace vergegrid::control;
using ::testing::HasSubstr;
using ::testing::Optional;
using vergegrid::test::region_on;
using vergegrid::test::simulator;

std::shared_ptr<api::PlacementPolicy> reckless() {
    static const auto loaded = [] {
        vergegrid::plugin_host::PluginLoader loader(std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::null_sink_mt>()));
        return loader.load(VERGEGRID_RECKLESS_PLUGIN);
    }();
    EXPECT_NE(loaded.plugin, nullptr) << loaded.record.reason;
    const api::HostContext host{
        api::kAbiVersion, std::make_shared<vergegrid::test::RecordingLogger>(), {}, "/tmp"};
    return loaded.plugin->create<api::PlacementPolicy>(host);
}

PlacementRequest labelled_ask(const std::string& name = "New") {
    PlacementRequest request;
    request.needs.region_name = name;
    request.needs.required_labels = {"main"};
    request.needs.anti_affinity = {"sandbox", "Neighbour"};
    return request;
}

// Every way a simulator can be wrong for labelled_ask(), each one the reckless policy ranks above
// "z-good".
struct BadGrid {
    std::vector<api::Simulator> simulators;
    std::vector<PlacedRegion> regions;
};

BadGrid bad_grid(bool with_good) {
    BadGrid grid;
    auto add = [&](api::Simulator s) { grid.simulators.push_back(std::move(s)); };
    add(simulator("cordoned", 10, {"main"}, "cordoned"));
    add(simulator("revoked", 10, {"main"}, "revoked"));
    add(simulator("offline", 10, {"main"}, "offline"));
    add(simulator("full", 1, {"main"}));
    grid.regions.push_back(region_on("Old", "full", 0, 0));
    auto cpu = simulator("hot-cpu", 10, {"main"});
    cpu.cpu_load = 0.95;
    add(cpu);
    auto memory = simulator("hot-memory", 10, {"main"});
    memory.memory_load = 0.91;
    add(memory);
    add(simulator("unlabelled", 10, {}));
    add(simulator("sandboxed", 10, {"main", "sandbox"}));
    add(simulator("neighbour", 10, {"main"}));
    grid.regions.push_back(region_on("Neighbour", "neighbour", 1, 0));
    if (with_good) {
        add(simulator("z-good", 10, {"main"}));
    }
    return grid;
}

void expect_every_refusal(const Decision& decision) {
    const auto& why = decision.refusals;
    EXPECT_THAT(why.at("cordoned"), HasSubstr("simulator is cordoned"));
    EXPECT_THAT(why.at("revoked"), HasSubstr("simulator is revoked"));
    EXPECT_THAT(why.at("offline"), HasSubstr("simulator is offline"));
    EXPECT_THAT(why.at("full"), HasSubstr("simulator is full: 1 of 1 regions (capacity)"));
    EXPECT_THAT(why.at("hot-cpu"), HasSubstr("CPU load 95% is above the 90% threshold"));
    EXPECT_THAT(why.at("hot-memory"), HasSubstr("memory load 91% is above the 90% threshold"));
    EXPECT_THAT(why.at("unlabelled"), HasSubstr("lacks required label 'main'"));
    EXPECT_THAT(why.at("sandboxed"), HasSubstr("anti-affinity: simulator carries label 'sandbox'"));
    EXPECT_THAT(why.at("neighbour"),
                HasSubstr("anti-affinity: simulator holds region 'Neighbour'"));
}

TEST(HardRules, TheRecklessPolicyWouldTakeTheWorstSimulatorOnItsOwn) {
    auto policy = reckless();
    const auto grid = bad_grid(true);
    const auto state = GridState::from(grid.simulators, grid.regions);
    const auto* cordoned = state.find_simulator("cordoned");
    const auto* good = state.find_simulator("z-good");
    EXPECT_EQ(policy->filter(labelled_ask().needs, *cordoned), std::nullopt);
    EXPECT_GT(policy->score(labelled_ask().needs, *cordoned),
              policy->score(labelled_ask().needs, *good));
}

TEST(HardRules, DecideNeverLetsAPolicySeeASimulatorTheRulesRefuse) {
    auto policy = reckless();
    const auto grid = bad_grid(true);
    const auto state = GridState::from(grid.simulators, grid.regions);
    const auto decision = decide(*policy, "reckless", state, labelled_ask(), PortRange{});
    ASSERT_TRUE(decision.placed) << decision.summary;
    EXPECT_EQ(decision.simulator_id, "z-good");
    expect_every_refusal(decision);

    const auto bad = bad_grid(false);
    const auto nothing = decide(*policy, "reckless", GridState::from(bad.simulators, bad.regions),
                                labelled_ask(), PortRange{});
    EXPECT_FALSE(nothing.placed);
    EXPECT_EQ(nothing.refusals.size(), 9u);
    expect_every_refusal(nothing);
}

TEST(HardRules, TheRankedIndexAppliesThemToo) {
    auto policy = reckless();
    auto* indexed = dynamic_cast<api::IndexedPlacementPolicy*>(policy.get());
    ASSERT_NE(indexed, nullptr);
    for (const bool with_good : {true, false}) {
        const auto grid = bad_grid(with_good);
        auto state = GridState::from(grid.simulators, grid.regions);
        PlacementIndex index(*indexed, "reckless", state, PortRange{});
        const auto decision = index.place(labelled_ask(), "uuid-new");
        EXPECT_EQ(decision.placed, with_good) << decision.summary;
        if (with_good) {
            EXPECT_EQ(decision.simulator_id, "z-good");
        }
    }
}

TEST(HardRules, TheIndexReRanksASimulatorThatFillsUp) {
    auto policy = reckless();
    auto* indexed = dynamic_cast<api::IndexedPlacementPolicy*>(policy.get());
    auto state = GridState::from({simulator("a", 2), simulator("b", 3)}, {});
    PlacementIndex index(*indexed, "reckless", state, PortRange{});
    std::vector<std::string> chosen;
    for (int i = 0; i < 6; ++i) {
        auto request = labelled_ask("R" + std::to_string(i));
        request.needs.required_labels.clear();
        request.loc_x = i;
        const auto decision = index.place(request, "u" + std::to_string(i));
        chosen.push_back(decision.placed ? decision.simulator_id : "-");
    }
    // Reckless fills the fullest first; the rules close each at its capacity.
    EXPECT_THAT(chosen, ::testing::ElementsAre("a", "a", "b", "b", "b", "-"));
}

TEST(HardRules, TheServicesActivePolicyCarriesTheConfiguredLimits) {
    vergegrid::kernel::services::ActiveSlot<api::PlacementPolicy> slot;
    slot.swap(reckless());
    PlacementService service(slot, "reckless", {"reckless"}, nullptr, PortRange{},
                             HardLimits{0.5, 0.95, 2});
    const auto active = service.active();
    auto warm = simulator("warm", 10, {"main"});
    warm.cpu_load = 0.6;
    auto roomy = simulator("roomy", 10, {"main"});
    const auto state = GridState::from(
        {warm, roomy}, {region_on("A", "roomy", 0, 0), region_on("B", "roomy", 1, 0, 9001)});
    // A pin checked on PATCH asks the active policy's filter() directly.
    EXPECT_THAT(active.policy->filter(labelled_ask().needs, *state.find_simulator("warm")),
                Optional(HasSubstr("CPU load 60% is above the 50% threshold")));
    EXPECT_THAT(active.policy->filter(labelled_ask().needs, *state.find_simulator("roomy")),
                Optional(HasSubstr("full: 2 of 2 regions (max_regions threshold)")));
    EXPECT_FALSE(
        decide(*active.policy, active.name, state, labelled_ask(), service.ports()).placed);
    // placement_refusal(): the rules with the policy's limits (the service's), then filter().
    EXPECT_THAT(
        placement_refusal(*active.policy, labelled_ask().needs, *state.find_simulator("warm")),
        Optional(HasSubstr("above the 50% threshold")));
    auto plugin = reckless();
    warm.cpu_load = 0.95;
    const auto hot = GridState::from({warm}, {});
    EXPECT_THAT(placement_refusal(*plugin, labelled_ask().needs, hot.simulators().front()),
                Optional(HasSubstr("above the 90% threshold")))
        << "a plugin's own policy runs under the default limits";
    auto* indexed = dynamic_cast<const api::IndexedPlacementPolicy*>(active.policy.get());
    ASSERT_NE(indexed, nullptr) << "an indexed plugin stays indexed behind the rules";
    auto copy = state;
    EXPECT_FALSE(
        PlacementIndex(*indexed, active.name, copy, PortRange{}).place(labelled_ask(), "u").placed);
}

TEST(HardRules, APinIsRefusedByTheRulesUnlessForcedAndARevokedOneEvenThen) {
    auto policy = reckless();
    const auto grid = bad_grid(true);
    const auto state = GridState::from(grid.simulators, grid.regions);
    for (const char* id : {"cordoned", "offline", "full", "hot-cpu", "unlabelled", "sandboxed"}) {
        auto pinned = labelled_ask();
        pinned.pin = id;
        const auto refused = decide(*policy, "reckless", state, pinned, PortRange{});
        EXPECT_FALSE(refused.placed) << id;
        EXPECT_THAT(refused.summary, HasSubstr("\"force\": true overrides")) << id;
        pinned.force = true;
        EXPECT_TRUE(decide(*policy, "reckless", state, pinned, PortRange{}).placed) << id;
    }
    auto revoked = labelled_ask();
    revoked.pin = "revoked";
    revoked.force = true;
    EXPECT_FALSE(decide(*policy, "reckless", state, revoked, PortRange{}).placed);
}

TEST(HardRules, RegisteredAndOnlineSimulatorsTakeRegionsTheOthersNever) {
    const HardLimits limits;
    for (const char* state : {"online", "registered"}) {
        auto s = GridState::from({simulator("s", 10, {}, state)}, {}).simulators().front();
        EXPECT_EQ(closed_reason(limits, s), std::nullopt) << state;
    }
    for (const char* state : {"cordoned", "offline", "revoked", "unheard-of"}) {
        auto s = GridState::from({simulator("s", 10, {}, state)}, {}).simulators().front();
        EXPECT_THAT(closed_reason(limits, s),
                    Optional(HasSubstr(std::string("simulator is ") + state)));
    }
}

TEST(HardRules, CapacityZeroIsLimitedByMaxRegionsAloneAndWithMaxRegionsZeroByNothing) {
    api::SimulatorSnapshot s;
    s.state = "online";
    s.capacity = 0;
    s.region_count = 5000;
    EXPECT_EQ(region_limit(HardLimits{}, s), kNoRegionLimit);
    EXPECT_EQ(closed_reason(HardLimits{}, s), std::nullopt);
    HardLimits capped;
    capped.max_regions = 5000;
    EXPECT_THAT(closed_reason(capped, s),
                Optional(HasSubstr("5000 of 5000 regions (max_regions threshold)")));
    s.capacity = 10;
    s.region_count = 4;
    capped.max_regions = 4;
    EXPECT_THAT(closed_reason(capped, s), Optional(HasSubstr("4 of 4 regions (max_regions")));
}

TEST(HardRules, LoadsAtTheThresholdStillTakeRegions) {
    api::SimulatorSnapshot s;
    s.state = "online";
    s.capacity = 10;
    s.cpu_load = 0.9;
    s.memory_load = 0.9;
    EXPECT_EQ(closed_reason(HardLimits{}, s), std::nullopt);
    s.cpu_load = 0.51;
    EXPECT_THAT(closed_reason(HardLimits{0.5, 0.9, 0}, s),
                Optional(HasSubstr("CPU load 51% is above the 50% threshold")));
}

TEST(HardRules, LabelsAloneDecideLabelsAccept) {
    api::RegionNeeds needs;
    needs.required_labels = {"event"};
    EXPECT_FALSE(labels_accept(needs, {"main"}));
    EXPECT_TRUE(labels_accept(needs, {"main", "event"}));
    needs.anti_affinity = {"main"};
    EXPECT_FALSE(labels_accept(needs, {"main", "event"}));
}

}  // namespace
