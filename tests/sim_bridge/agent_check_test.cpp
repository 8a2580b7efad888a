// The `agents` operation (issue 13) through the OperationApplier against the OpenSim emulator,
// whose avatars the test sets: an empty region passes, when_empty waits for the avatars to leave
// (or fails at the deadline), otherwise they are warned with admin_dialog.
#include <fstream>
#include <sstream>

#include "tests/sim_bridge/emulated_simulator.hpp"

namespace {

using namespace sim_bridge_test;

const json kAda = {{"name", "Ada Lovelace"}, {"id", "aaaaaaaa-0000-0000-0000-000000000001"}};
const json kBob = {{"name", "Bob Builder"}, {"id", "bbbbbbbb-0000-0000-0000-000000000002"}};

class AgentOperations : public EmulatedSimulator {
  protected:
    void SetUp() override {
        EmulatedSimulator::SetUp();
        applier_ = std::make_unique<OperationApplier>(sim_, *cache_, *stubs_, *host_, strategy_,
                                                      log_, worker_.get());
        applier_->agent_check().set_poll_interval(50ms);
    }

    OperationResult agents(const json& spec) {
        return applier_->apply(
            {{"id", 40}, {"kind", "agents"}, {"region_id", kRegionId}, {"spec", spec}});
    }
    static json spec(bool when_empty, int deadline_s, const std::string& message = "") {
        return {{"region_id", kRegionId},
                {"region_name", "Alpha"},
                {"when_empty", when_empty},
                {"deadline_s", deadline_s},
                {"message", message}};
    }
    // A vector: json's brace-initialiser would make one avatar an object, not a list.
    void set_avatars(const std::vector<json>& list) {
        emulator("POST", "/regions/Alpha/agents", {{"agents", json(list)}});
    }
    json messages() { return emulator("GET", "/messages").at("messages"); }
    // How often the emulator was asked for Alpha's avatars while it had `count` of them.
    int looks_finding(int count) {
        std::ifstream log(state_dir() / "simulator.log");
        std::stringstream text;
        text << log.rdbuf();
        const std::string line =
            "XmlRpcGetAgents found " + std::to_string(count) + " agents in Alpha";
        int found = 0;
        for (auto at = text.str().find(line); at != std::string::npos;
             at = text.str().find(line, at + 1)) {
            ++found;
        }
        return found;
    }

    UntouchableStrategy strategy_;
    std::unique_ptr<OperationApplier> applier_;
};

TEST_F(AgentOperations, AnEmptyRegionPassesAtOnceWithoutAnyWarning) {
    const auto result = agents(spec(true, 30));
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    EXPECT_EQ(result.detail.at("agents"), 0);
    EXPECT_EQ(result.detail.at("warned"), false);
    EXPECT_EQ(result.detail.at("waited_ms"), 0);
    EXPECT_TRUE(messages().empty());
    EXPECT_TRUE(cache_->all().empty());
}

TEST_F(AgentOperations, WhenEmptyWaitsUntilTheAvatarsHaveLeft) {
    set_avatars({kAda, kBob});
    // The avatars leave only once the bridge has looked again and still found them.
    std::thread leave([&] {
        for (int i = 0; i < 400 && looks_finding(2) < 2; ++i) {
            std::this_thread::sleep_for(25ms);
        }
        set_avatars({});
    });
    const auto result = agents(spec(true, 60));
    leave.join();
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    EXPECT_EQ(result.detail.at("agents"), 2);  // at the first look
    EXPECT_EQ(result.detail.at("warned"), false);
    EXPECT_GT(result.detail.at("waited_ms").get<int>(), 0);
    EXPECT_GE(looks_finding(2), 2);
    EXPECT_GE(looks_finding(0), 1);
    EXPECT_TRUE(messages().empty());
}

TEST_F(AgentOperations, WhenEmptyFailsAtTheDeadlineNamingTheAvatarsLeft) {
    set_avatars({kAda});
    const auto result = agents(spec(true, 1));
    EXPECT_FALSE(result.succeeded);
    EXPECT_EQ(result.detail.at("error"),
              "1 avatar(s) still on region Alpha after 1 s (when_empty)");
    EXPECT_EQ(result.detail.at("agents"), 1);
    EXPECT_GE(result.detail.at("waited_ms").get<int>(), 1000);
    EXPECT_GE(looks_finding(1), 2);  // asked again while waiting
}

TEST_F(AgentOperations, WithoutWhenEmptyTheAvatarsAreWarnedWithTheRegionNamed) {
    set_avatars({kAda, kBob});
    const auto result = agents(spec(false, 0, "moving to another simulator in 60 s"));
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    EXPECT_EQ(result.detail.at("agents"), 2);
    EXPECT_EQ(result.detail.at("warned"), true);
    const auto sent = messages();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].at("method"), "admin_dialog");
    EXPECT_EQ(sent[0].at("from"), kDialogSender);
    // OpenSim shows it on every region of the simulator: the text names the region.
    EXPECT_EQ(sent[0].at("message"), "Region Alpha: moving to another simulator in 60 s");

    const auto named = agents(spec(false, 0, "Alpha moves now"));
    ASSERT_TRUE(named.succeeded);
    EXPECT_EQ(messages().at(1).at("message"), "Alpha moves now");
}

TEST_F(AgentOperations, ARegionTheSimulatorDoesNotRunFailsWithOpenSimsReason) {
    auto nowhere = spec(true, 5);
    nowhere["region_name"] = "Nowhere";
    const auto result = agents(nowhere);
    EXPECT_FALSE(result.succeeded);
    EXPECT_EQ(result.detail.at("error"), "admin_get_agents: Region Nowhere not found");
}

TEST_F(AgentOperations, AStoppingBridgeIsNotHeldByTheWait) {
    set_avatars({kAda});
    std::atomic<bool> stopping{false};
    applier_->agent_check().set_cancelled([&] { return stopping.load(); });
    std::thread stop([&] {
        for (int i = 0; i < 400 && looks_finding(1) < 2; ++i) {
            std::this_thread::sleep_for(25ms);
        }
        stopping = true;
    });
    const auto result = agents(spec(true, 3600));
    stop.join();
    EXPECT_FALSE(result.succeeded);
    EXPECT_EQ(result.detail.at("error"), "the bridge is stopping");
}

// Refused before the simulator is asked anything.
TEST_F(AgentOperations, SpecsThatCannotBeCarriedOutAreRefusedByField) {
    set_avatars({kAda});
    auto no_name = spec(true, 5);
    no_name.erase("region_name");
    auto bad_when = spec(true, 5);
    bad_when["when_empty"] = "yes";
    auto bad_deadline = spec(true, 5);
    bad_deadline["deadline_s"] = -1;
    auto bad_message = spec(false, 5);
    bad_message["message"] = 5;
    for (const auto& [bad, field] :
         std::vector<std::pair<json, std::string>>{{no_name, "spec.region_name"},
                                                   {bad_when, "spec.when_empty"},
                                                   {bad_deadline, "spec.deadline_s"},
                                                   {bad_message, "spec.message"},
                                                   {json(nullptr), "no spec"}}) {
        const auto result = agents(bad);
        EXPECT_FALSE(result.succeeded);
        EXPECT_EQ(result.detail.value("refused", false), true) << field;
        EXPECT_THAT(result.detail.at("error").get<std::string>(), HasSubstr(field));
    }
    EXPECT_EQ(looks_finding(1), 0);
    EXPECT_TRUE(messages().empty());
}

}  // namespace
