// The hybrid injection strategy's decisions against a scripted simulator (the bridge's own tests
// run it against the OpenSim emulator): live first; on a failed, timed-out or unhealthy create
// the stub and a simulator restart; a teardown closes or deletes live and restarts only when that
// fails; and its config keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "plugin_host/loaded_plugin.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A simulator whose answers the test sets, which records every primitive the strategy calls.
class ScriptedSimulator final : public api::SimulatorControl {
  public:
    std::map<std::string, int> health;  // by region name; missing: 0
    api::CallResult create_answer{true, false, ""};
    api::CallResult close_answer{true, false, ""};
    bool create_makes_healthy = true;
    bool restart_answers = true;
    bool restart_loads_stubs = true;  // a restart brings every stubbed region up
    std::vector<api::RegionPlan> desired;
    std::vector<std::string> calls;

    api::CallResult create_region(const api::RegionPlan& r, std::chrono::milliseconds) override {
        calls.push_back("create " + r.name);
        if (create_answer.ok && create_makes_healthy) {
            health[r.name] = 1;
        }
        return create_answer;
    }
    int region_health(const api::RegionPlan& r) override {
        const auto it = health.find(r.name);
        return it == health.end() ? 0 : it->second;
    }
    api::CallResult close_region(const api::RegionPlan& r, std::chrono::milliseconds) override {
        calls.push_back("close " + r.name);
        if (close_answer.ok) {
            health.erase(r.name);
        }
        return close_answer;
    }
    api::CallResult delete_region(const api::RegionPlan& r, std::chrono::milliseconds) override {
        calls.push_back("delete " + r.name);
        if (close_answer.ok) {
            health.erase(r.name);
        }
        return close_answer;
    }
    void write_stub(const api::RegionPlan& r) override {
        calls.push_back("write_stub " + r.name);
        stubs.insert(r.name);
    }
    void remove_stub(const api::RegionPlan& r) override {
        calls.push_back("remove_stub " + r.name);
        stubs.erase(r.name);
    }
    void clean_failed_create(const api::RegionPlan& r) override {
        calls.push_back("clean " + r.name);
    }
    bool restart_simulator() override {
        calls.push_back("restart");
        health.clear();
        if (restart_answers && restart_loads_stubs) {
            for (const auto& name : stubs) {
                health[name] = 1;
            }
        }
        return restart_answers;
    }
    std::vector<api::RegionPlan> desired_regions() override { return desired; }

    std::set<std::string> stubs;
};

api::RegionPlan plan(const std::string& name) {
    api::RegionPlan r;
    r.id = "uuid-" + name;
    r.name = name;
    return r;
}

class HybridInjection : public ::testing::Test {
  protected:
    std::shared_ptr<api::InjectionStrategy> make(const api::ConfigSection& config) {
        return plugin_.make<api::InjectionStrategy>(config);
    }

    vergegrid::test::BuiltinPlugin plugin_{"vg-injection-hybrid.so", "injection", "hybrid"};
    // Short waits: an unhealthy region is given up on after 30 ms.
    std::shared_ptr<api::InjectionStrategy> strategy_ =
        make({{"confirm_timeout_ms", "30"}, {"poll_interval_ms", "1"}});
    ScriptedSimulator sim_;
};

TEST_F(HybridInjection, AHealthyCreateIsLiveAndLeavesAStub) {
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "live");
    EXPECT_THAT(sim_.calls, ElementsAre("create Alpha", "write_stub Alpha"));
}

TEST_F(HybridInjection, ARegionAlreadyRunningOnlyGetsItsStub) {
    sim_.health["Alpha"] = 1;
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "already-live");
    EXPECT_THAT(sim_.calls, ElementsAre("write_stub Alpha"));
}

TEST_F(HybridInjection, AFailedCreateFallsBackToTheStubAndARestart) {
    sim_.create_answer = {false, false, "region name taken"};
    sim_.desired = {plan("Alpha")};
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "fallback-restart");
    EXPECT_THAT(outcome.detail, HasSubstr("create failed: region name taken"));
    EXPECT_THAT(sim_.calls,
                ElementsAre("create Alpha", "clean Alpha", "write_stub Alpha", "restart"));
    EXPECT_THAT(plugin_.logger()->lines(),
                ::testing::Contains(HasSubstr("falling back to stub + simulator restart")));
}

TEST_F(HybridInjection, ATimedOutCreateSaysSoAndFallsBack) {
    sim_.create_answer = {false, true, ""};
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_EQ(outcome.path, "fallback-restart");
    EXPECT_THAT(outcome.detail, HasSubstr("create timed out after 15000 ms"));
}

TEST_F(HybridInjection, ACreatedRegionThatNeverTurnsHealthyFallsBack) {
    sim_.create_makes_healthy = false;
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "fallback-restart");
    EXPECT_THAT(outcome.detail, HasSubstr("created but not healthy within 30 ms"));
}

TEST_F(HybridInjection, AFallbackFailsWhenTheSimulatorDoesNotComeBack) {
    sim_.create_answer = {false, false, "boom"};
    sim_.restart_answers = false;
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_FALSE(outcome.ok);
    EXPECT_THAT(outcome.detail, HasSubstr("the simulator did not come back"));
}

TEST_F(HybridInjection, AFallbackFailsNamingTheRegionsARestartDidNotBringBack) {
    sim_.create_answer = {false, false, "boom"};
    sim_.restart_loads_stubs = false;
    sim_.desired = {plan("Alpha"), plan("Beta")};
    const auto outcome = strategy_->inject(plan("Alpha"), sim_);
    EXPECT_FALSE(outcome.ok);
    EXPECT_THAT(outcome.detail, HasSubstr("these regions are not healthy: Alpha, Beta"));
}

TEST_F(HybridInjection, ATeardownClosesOrDeletesLiveThenRemovesTheStub) {
    sim_.health["Alpha"] = 1;
    auto outcome = strategy_->teardown(plan("Alpha"), false, sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "soft");
    EXPECT_EQ(outcome.detail, "closed live");
    sim_.health["Beta"] = 1;
    outcome = strategy_->teardown(plan("Beta"), true, sim_);
    EXPECT_EQ(outcome.detail, "deleted live");
    EXPECT_THAT(sim_.calls,
                ElementsAre("close Alpha", "remove_stub Alpha", "delete Beta", "remove_stub Beta"));
}

TEST_F(HybridInjection, ATeardownOfARegionNotRunningOnlyRemovesItsStub) {
    const auto outcome = strategy_->teardown(plan("Alpha"), false, sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "not-running");
    EXPECT_THAT(sim_.calls, ElementsAre("remove_stub Alpha"));
}

TEST_F(HybridInjection, AStuckCloseEndsInAHardTeardownThatKeepsTheOtherRegions) {
    sim_.health["Alpha"] = 1;
    sim_.stubs = {"Alpha", "Beta"};
    sim_.close_answer = {false, true, ""};
    sim_.desired = {plan("Beta")};
    const auto outcome = strategy_->teardown(plan("Alpha"), false, sim_);
    EXPECT_TRUE(outcome.ok) << outcome.detail;
    EXPECT_EQ(outcome.path, "hard-teardown");
    EXPECT_THAT(outcome.detail, HasSubstr("close timed out after 15000 ms"));
    EXPECT_THAT(sim_.calls, ElementsAre("close Alpha", "remove_stub Alpha", "restart"));
}

TEST_F(HybridInjection, ASimulatorThatDoesNotAnswerIsRestartedWithoutTheRegion) {
    sim_.health["Alpha"] = -1;
    const auto outcome = strategy_->teardown(plan("Alpha"), true, sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "hard-teardown");
    EXPECT_THAT(outcome.detail, HasSubstr("the simulator does not answer"));
    EXPECT_THAT(sim_.calls, ElementsAre("remove_stub Alpha", "restart"));
}

TEST_F(HybridInjection, RestartingARegionClosesAndCreatesItAgain) {
    sim_.health["Alpha"] = 1;
    const auto outcome = strategy_->restart_region(plan("Alpha"), sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "live");
    EXPECT_EQ(outcome.detail, "closed and created again: created live");
    EXPECT_THAT(sim_.calls, ElementsAre("close Alpha", "create Alpha", "write_stub Alpha"));
}

TEST_F(HybridInjection, ARegionThatWillNotCloseIsRestartedWithItsSimulator) {
    sim_.health["Alpha"] = 1;
    sim_.close_answer = {false, false, "busy"};
    sim_.desired = {plan("Alpha")};
    const auto outcome = strategy_->restart_region(plan("Alpha"), sim_);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.path, "fallback-restart");
    EXPECT_THAT(outcome.detail, HasSubstr("close failed: busy; restarted with its simulator"));
    EXPECT_THAT(sim_.calls, ElementsAre("close Alpha", "write_stub Alpha", "restart"));
}

TEST_F(HybridInjection, EachTimingIsAConfigKeyOfOneMillisecondToAnHour) {
    for (const char* key :
         {"create_timeout_ms", "confirm_timeout_ms", "teardown_timeout_ms", "poll_interval_ms"}) {
        EXPECT_NO_THROW(make({{key, "1"}})) << key;
        EXPECT_NO_THROW(make({{key, "3600000"}})) << key;
        for (const char* text : {"0", "3600001", "-5", "1.5", "soon", ""}) {
            try {
                make({{key, text}});
                ADD_FAILURE() << "accepted " << key << " '" << text << "'";
            } catch (const vergegrid::plugin_host::PluginCreateError& e) {
                EXPECT_EQ(e.config_key, std::string("injection.hybrid.") + key) << text;
                EXPECT_THAT(e.config_message, HasSubstr("between 1 and 3600000")) << text;
            }
        }
    }
}

TEST_F(HybridInjection, TheCreateTimeoutFromConfigIsTheOneReported) {
    auto strategy = make({{"create_timeout_ms", "250"}});
    sim_.create_answer = {false, true, ""};
    const auto outcome = strategy->inject(plan("Alpha"), sim_);
    EXPECT_THAT(outcome.detail, HasSubstr("create timed out after 250 ms"));
}

}  // namespace
