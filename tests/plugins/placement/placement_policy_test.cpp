// Each rule of the built-in policies in isolation, their rankings, their config, and the
// promise IndexedPlacementPolicy makes (score = simulator_score + a function of the labels).
// States, capacity, the default load thresholds, required labels and anti-affinity are the
// engine's hard rules (tests/control/placement/hard_rules_test.cpp): a policy only narrows with
// the thresholds its own section sets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/loaded_plugin.hpp"
#include "tests/support/placement_policies.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::HasSubstr;
using ::testing::Optional;

api::SimulatorSnapshot healthy(const std::string& id = "sim-1") {
    api::SimulatorSnapshot s;
    s.id = id;
    s.state = "online";
    s.hostname = id + ".example.org";
    s.capacity = 10;
    s.region_count = 2;
    s.cpu_load = 0.2;
    s.memory_load = 0.3;
    s.labels = {"main"};
    return s;
}

api::RegionNeeds region(const std::string& name = "Alpha") {
    api::RegionNeeds r;
    r.region_name = name;
    return r;
}

class Policies : public ::testing::TestWithParam<std::string> {
  protected:
    vergegrid::test::PlacementPolicies policies_;
};

TEST_P(Policies, AHealthySimulatorWithRoomTakesARegion) {
    auto policy = policies_.make(GetParam());
    EXPECT_EQ(policy->filter(region(), healthy()), std::nullopt);
}

TEST_P(Policies, LeaveStatesCapacityAndLabelsToTheEngine) {
    auto policy = policies_.make(GetParam());
    for (const char* state : {"cordoned", "offline", "revoked", "registered"}) {
        auto s = healthy();
        s.state = state;
        EXPECT_EQ(policy->filter(region(), s), std::nullopt) << state;
    }
    auto full = healthy();
    full.region_count = 10;
    EXPECT_EQ(policy->filter(region(), full), std::nullopt);
    auto hot = healthy();
    hot.cpu_load = 0.99;
    EXPECT_EQ(policy->filter(region(), hot), std::nullopt) << "no threshold of its own set";
    auto r = region();
    r.required_labels = {"event"};
    r.anti_affinity = {"main"};
    EXPECT_EQ(policy->filter(r, healthy()), std::nullopt);
}

TEST_P(Policies, ASimulatorThatDeclaredNoCapacityIsLimitedByMaxRegionsAlone) {
    auto s = healthy();
    s.capacity = 0;
    s.region_count = 500;
    EXPECT_EQ(policies_.make(GetParam())->filter(region(), s), std::nullopt);
    EXPECT_THAT(policies_.make(GetParam(), {{"max_regions", "500"}})->filter(region(), s),
                Optional(HasSubstr("500 of 500 regions (max_regions threshold)")));
}

TEST_P(Policies, MaxRegionsThresholdLowersTheCapacity) {
    auto policy = policies_.make(GetParam(), {{"max_regions", "4"}});
    auto s = healthy();
    s.region_count = 4;
    EXPECT_THAT(policy->filter(region(), s),
                Optional(HasSubstr("4 of 4 regions (max_regions threshold)")));
    s.region_count = 3;
    EXPECT_EQ(policy->filter(region(), s), std::nullopt);
}

TEST_P(Policies, CpuLoadAboveItsThresholdRefuses) {
    auto policy = policies_.make(GetParam(), {{"max_cpu_load", "0.5"}});
    auto s = healthy();
    s.cpu_load = 0.51;
    EXPECT_THAT(policy->filter(region(), s),
                Optional(HasSubstr("CPU load 51% is above the 50% threshold")));
    s.cpu_load = 0.5;
    EXPECT_EQ(policy->filter(region(), s), std::nullopt);
}

TEST_P(Policies, MemoryLoadAboveItsThresholdRefuses) {
    auto policy = policies_.make(GetParam(), {{"max_memory_load", "0.9"}});
    auto s = healthy();
    s.memory_load = 0.95;
    EXPECT_THAT(policy->filter(region(), s),
                Optional(HasSubstr("memory load 95% is above the 90% threshold")));
}

TEST_P(Policies, PreferredLabelsRaiseTheScore) {
    auto policy = policies_.make(GetParam());
    auto r = region();
    r.preferred_labels = {"event"};
    auto plain = healthy();
    auto tagged = healthy();
    tagged.labels = {"event"};
    EXPECT_GT(policy->score(r, tagged), policy->score(r, plain));
}

TEST_P(Policies, KeepsTheIndexPromise) {
    auto policy = policies_.make(GetParam(), {{"max_regions", "10"}});
    auto* indexed = dynamic_cast<api::LabelAwareIndexedPolicy*>(policy.get());
    ASSERT_NE(indexed, nullptr);
    auto r = region();
    r.preferred_labels = {"event", "main"};
    auto a = healthy("a");
    auto b = healthy("b");
    b.region_count = 7;
    b.cpu_load = 0.8;
    // Same labels: the difference of scores is the difference of simulator scores.
    EXPECT_DOUBLE_EQ(policy->score(r, a) - policy->score(r, b),
                     indexed->simulator_score(a) - indexed->simulator_score(b));
    auto full = healthy("c");
    full.region_count = 10;
    EXPECT_FALSE(indexed->open_for_regions(full));
    EXPECT_TRUE(indexed->open_for_regions(a));
    // Labels are the engine's rules: the built-in policies rule out no label set of their own.
    auto needs = region();
    needs.required_labels = {"event"};
    needs.anti_affinity = {"main"};
    EXPECT_TRUE(indexed->accepts_labels(needs, {"main"}));
}

TEST_P(Policies, LoadsEqualInDecimalScoreExactlyEqualSoTiesAreRealTies) {
    auto policy = policies_.make(GetParam());
    auto a = healthy("a");
    auto b = healthy("b");
    for (const auto& [x, y] : {std::pair{0.1, 0.7}, {0.3, 0.6}, {0.29, 0.57}, {0.123, 0.456}}) {
        a.cpu_load = x;
        a.memory_load = y;
        b.cpu_load = y;
        b.memory_load = x;
        EXPECT_EQ(policy->score(region(), a), policy->score(region(), b)) << x << " " << y;
    }
}

TEST_P(Policies, ABadThresholdIsAConfigErrorNamingTheKey) {
    try {
        policies_.make(GetParam(), {{"max_cpu_load", "1.5"}});
        FAIL() << "accepted max_cpu_load 1.5";
    } catch (const vergegrid::plugin_host::PluginCreateError& e) {
        EXPECT_EQ(e.config_key, "placement." + GetParam() + ".max_cpu_load");
        EXPECT_THAT(e.config_message, HasSubstr("from 0 to 1"));
    }
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, Policies, ::testing::Values("basic-rules", "spread", "binpack"),
                         [](const auto& info) {
                             std::string name = info.param;
                             std::erase(name, '-');
                             return name;
                         });

TEST(Rankings, BasicRulesPrefersTheLeastLoadedSimulator) {
    vergegrid::test::PlacementPolicies policies;
    auto policy = policies.make("basic-rules");
    auto idle = healthy("idle");
    idle.cpu_load = 0.1;
    auto busy = healthy("busy");
    busy.cpu_load = 0.7;
    EXPECT_GT(policy->score(region(), idle), policy->score(region(), busy));
    auto roomy = healthy("roomy");
    roomy.region_count = 1;
    EXPECT_GT(policy->score(region(), roomy), policy->score(region(), healthy()));
}

TEST(Rankings, SpreadPrefersFreeSlotsAndIgnoresLoad) {
    vergegrid::test::PlacementPolicies policies;
    auto policy = policies.make("spread");
    auto emptier = healthy("emptier");
    emptier.region_count = 1;
    emptier.cpu_load = 0.8;
    EXPECT_GT(policy->score(region(), emptier), policy->score(region(), healthy()));
}

TEST(Rankings, BinpackPrefersTheFullestSimulatorThatStillFits) {
    vergegrid::test::PlacementPolicies policies;
    auto policy = policies.make("binpack");
    auto fuller = healthy("fuller");
    fuller.region_count = 9;
    EXPECT_GT(policy->score(region(), fuller), policy->score(region(), healthy()));
}

}  // namespace
