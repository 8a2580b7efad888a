// The built-in `oar` strategy, loaded from vg-migration-oar.so: each of the 32 MigrationRequest
// combinations plans exactly the steps the contract names (cold, warm, evacuate, ephemeral).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin_host/plugin_host.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "vergegrid/plugin_api/migration.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using Step = api::MigrationStep;
using Steps = std::vector<Step>;

std::shared_ptr<api::MigrationStrategy> oar() {
    vergegrid::test::BuiltinPlugin plugin("vg-migration-oar.so", "migration", "oar");
    return plugin.make<api::MigrationStrategy>();
}

const Steps kCold{Step::check_agents, Step::snapshot_final, Step::create_target,
                  Step::load_final,   Step::switch_over,    Step::teardown_source};
const Steps kWarm{Step::check_agents, Step::snapshot_first, Step::create_target,
                  Step::load_first,   Step::snapshot_final, Step::load_final,
                  Step::switch_over,  Step::teardown_source};
const Steps kEvacuateFromSnapshot{Step::create_target, Step::load_latest, Step::switch_over,
                                  Step::teardown_source};
const Steps kEvacuateEmpty{Step::create_target, Step::switch_over, Step::teardown_source};
const Steps kEphemeral{Step::check_agents, Step::create_target, Step::switch_over,
                       Step::teardown_source};

std::vector<std::string> names(const Steps& steps) {
    std::vector<std::string> out;
    for (auto step : steps) {
        out.emplace_back(api::to_string(step));
    }
    return out;
}

api::MigrationRequest request(bool warm, bool when_empty, bool source_online, bool has_snapshot,
                              bool keeps_content) {
    api::MigrationRequest r;
    r.warm = warm;
    r.when_empty = when_empty;
    r.source_online = source_online;
    r.has_snapshot = has_snapshot;
    r.keeps_content = keeps_content;
    return r;
}

// What the contract says for one combination, written out case by case rather than computed
// the way the plugin computes it.
Steps expected(const api::MigrationRequest& r) {
    if (!r.source_online) {
        return r.has_snapshot && r.keeps_content ? kEvacuateFromSnapshot : kEvacuateEmpty;
    }
    if (!r.keeps_content) {
        return kEphemeral;
    }
    return r.warm ? kWarm : kCold;
}

TEST(OarStrategy, PlansEveryRequestCombinationExactly) {
    const auto strategy = oar();
    int combinations = 0;
    for (int bits = 0; bits < 32; ++bits) {
        const auto r = request(bits & 1, bits & 2, bits & 4, bits & 8, bits & 16);
        EXPECT_EQ(names(strategy->plan(r)), names(expected(r)))
            << "warm=" << r.warm << " when_empty=" << r.when_empty
            << " source_online=" << r.source_online << " has_snapshot=" << r.has_snapshot
            << " keeps_content=" << r.keeps_content;
        ++combinations;
    }
    EXPECT_EQ(combinations, 32);
}

TEST(OarStrategy, ADefaultRequestIsAColdMoveWithContent) {
    EXPECT_EQ(names(oar()->plan({})),
              (std::vector<std::string>{"check_agents", "snapshot_final", "create_target",
                                        "load_final", "switch_over", "teardown_source"}));
}

TEST(OarStrategy, AWarmMoveTakesAFirstSnapshotWhileServingAndAShortFinalOne) {
    EXPECT_EQ(names(oar()->plan(request(true, false, true, false, true))),
              (std::vector<std::string>{"check_agents", "snapshot_first", "create_target",
                                        "load_first", "snapshot_final", "load_final", "switch_over",
                                        "teardown_source"}));
}

TEST(OarStrategy, WaitingForAnEmptyRegionDoesNotChangeThePlan) {
    const auto strategy = oar();
    EXPECT_EQ(strategy->plan(request(false, true, true, false, true)), kCold);
    EXPECT_EQ(strategy->plan(request(true, true, true, false, true)), kWarm);
}

TEST(OarStrategy, EvacuationLoadsTheLatestSnapshotOnlyWhenThereIsOne) {
    const auto strategy = oar();
    EXPECT_EQ(names(strategy->plan(request(false, false, false, true, true))),
              (std::vector<std::string>{"create_target", "load_latest", "switch_over",
                                        "teardown_source"}));
    EXPECT_EQ(names(strategy->plan(request(true, false, false, false, true))),
              (std::vector<std::string>{"create_target", "switch_over", "teardown_source"}))
        << "no snapshot: the region comes back empty, and warm means nothing without a source";
}

TEST(OarStrategy, AnEphemeralRegionMovesWithoutSnapshots) {
    const auto strategy = oar();
    EXPECT_EQ(names(strategy->plan(request(true, false, true, true, false))),
              (std::vector<std::string>{"check_agents", "create_target", "switch_over",
                                        "teardown_source"}));
    EXPECT_EQ(strategy->plan(request(false, false, false, true, false)), kEvacuateEmpty)
        << "an ephemeral region promises no state: evacuated, it comes back empty";
}

TEST(OarStrategy, EveryPlanEndsWithTheSwitchThenTheTeardownAndCreatesBeforeLoading) {
    const auto strategy = oar();
    for (int bits = 0; bits < 32; ++bits) {
        const auto plan =
            strategy->plan(request(bits & 1, bits & 2, bits & 4, bits & 8, bits & 16));
        ASSERT_GE(plan.size(), 3u);
        EXPECT_EQ(plan[plan.size() - 2], Step::switch_over);
        EXPECT_EQ(plan.back(), Step::teardown_source);
        bool created = false;
        for (auto step : plan) {
            created = created || step == Step::create_target;
            if (step == Step::load_first || step == Step::load_final || step == Step::load_latest) {
                EXPECT_TRUE(created) << api::to_string(step) << " before create_target";
            }
        }
    }
}

}  // namespace
