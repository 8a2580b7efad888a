// vergegridctl's migration commands (region move, migration, batch, simulator drain --execute and
// evacuate, placement rebalance), in process against tests/cli/fake_server scripted to the
// contract of docs/api.md "Migrations": the requests they send and what they print, --wait
// following a move step by step and a batch's done/failed/left to the end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "tests/cli/ctl_runner.hpp"
#include "tests/cli/fake_server.hpp"

namespace migration_commands_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using vergegrid::cli::test::CtlResult;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::json;

constexpr const char* kRegion = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";
constexpr const char* kMigration = "5b0e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4";
constexpr const char* kBatch = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
constexpr const char* kSource = "11111111-2222-4333-8444-555555555555";
constexpr const char* kTarget = "66666666-7777-4888-8999-aaaaaaaaaaaa";

Reply json_reply(int status, const Json& body) {
    return {status, "application/json", body.dump()};
}

Json migration_json(const std::string& state, const std::string& step,
                    const Json& downtime = nullptr, const std::string& error = "") {
    return {{"id", kMigration},
            {"batch_id", ""},
            {"region_id", kRegion},
            {"region_name", "Alpha"},
            {"source_simulator_id", kSource},
            {"target_simulator_id", kTarget},
            {"state", state},
            {"step", step},
            {"steps",
             {{{"step", "check_agents"}, {"state", "succeeded"}, {"ms", 12}, {"operation_id", 3}}}},
            {"downtime_ms", downtime},
            {"error", error}};
}

Json batch_json(const std::string& state, int done, int failed, int left) {
    return {{"id", kBatch},
            {"kind", "drain"},
            {"simulator_id", kSource},
            {"state", state},
            {"max_parallel", 2},
            {"progress",
             {{"total", done + failed + left},
              {"done", done},
              {"failed", failed},
              {"cancelled", 0},
              {"running", left > 0 ? 1 : 0},
              {"left", left}}},
            {"migrations", {migration_json("succeeded", "", 840)}}};
}

class MigrationCommands : public ::testing::Test {
  protected:
    CtlResult ctl(const FakeServer& server, std::vector<std::string> args) {
        return run_ctl_(server, std::move(args));
    }
    CtlRunner run_ctl_;
};

TEST_F(MigrationCommands, MoveSendsEveryOptionAndNamesTheMigration) {
    FakeServer server([](const SeenRequest&) {
        return json_reply(202,
                          {{"migration", migration_json("running", "check_agents")},
                           {"placement_decision", {{"score", 1.0}, {"reasons", Json::array()}}}});
    });
    const auto result = ctl(
        server, {"region", "move", kRegion, "--to", kTarget, "--force", "--warm", "--when-empty",
                 "--deadline", "60", "--message", "back in a minute", "--if-match", "1.2.0"});
    EXPECT_EQ(result.code, 0) << result.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].uri, std::string("/api/v1/regions/") + kRegion + "/move");
    EXPECT_EQ(requests[0].if_match, "\"1.2.0\"");
    EXPECT_EQ(Json::parse(requests[0].body), (Json{{"simulator_id", kTarget},
                                                   {"force", true},
                                                   {"warm", true},
                                                   {"when_empty", true},
                                                   {"deadline_s", 60},
                                                   {"message", "back in a minute"}}));
    EXPECT_THAT(result.out, HasSubstr(std::string("started migration ") + kMigration));
    EXPECT_THAT(result.out, HasSubstr("running (step check_agents)"));

    const auto bare = ctl(server, {"region", "move", kRegion});
    EXPECT_EQ(bare.code, 0) << bare.err;
    EXPECT_EQ(Json::parse(server.requests().back().body), Json::object());

    const auto bad = ctl(server, {"region", "move", kRegion, "--deadline", "0"});
    EXPECT_EQ(bad.code, 2);
}

TEST_F(MigrationCommands, MoveWaitPrintsEachStepAndTheDowntime) {
    std::atomic<int> polls{0};
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(202, {{"migration", migration_json("running", "check_agents")},
                                    {"placement_decision", nullptr}});
        }
        EXPECT_EQ(request.uri, std::string("/api/v1/migrations/") + kMigration);
        switch (++polls) {
            case 1:
                return json_reply(200, migration_json("running", "snapshot_final"));
            case 2:
                return json_reply(200, migration_json("running", "load_final"));
            default:
                return json_reply(200, migration_json("succeeded", "", 1234));
        }
    });
    const auto result = ctl(server, {"region", "move", kRegion, "--wait"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(polls.load(), 3);
    EXPECT_THAT(result.out,
                HasSubstr("step snapshot_final (running)\nstep load_final (running)\n"));
    EXPECT_THAT(result.out, HasSubstr(std::string("move of region Alpha to simulator ") + kTarget +
                                      ": succeeded, downtime 1234 ms"));
}

TEST_F(MigrationCommands, AFailedMoveIsExitOneWithTheStepsError) {
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(202, {{"migration", migration_json("running", "check_agents")}});
        }
        return json_reply(200, migration_json("failed", "", nullptr,
                                              "load_final: admin_load_oar failed on the target"));
    });
    const auto result = ctl(server, {"region", "move", kRegion, "--wait"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("failed: load_final: admin_load_oar failed on the target"));
}

TEST_F(MigrationCommands, MigrationListShowAndCancelSpeakTheApisWords) {
    FakeServer server([](const SeenRequest& request) {
        if (request.uri.rfind("/api/v1/migrations?", 0) == 0) {
            return json_reply(
                200, {{"items", {migration_json("running", "load_first")}}, {"next", nullptr}});
        }
        return json_reply(
            200, migration_json(request.method == "POST" ? "cancelled" : "running", "load_first"));
    });
    const auto list = ctl(server, {"migration", "list", "--region", kRegion, "--batch", kBatch,
                                   "--state", "running"});
    EXPECT_EQ(list.code, 0) << list.err;
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/migrations?region_id=") + kRegion +
                                                "&batch_id=" + kBatch + "&state=running");
    EXPECT_THAT(list.out, HasSubstr("DOWNTIME_MS"));
    EXPECT_THAT(list.out, HasSubstr("load_first"));

    const auto show = ctl(server, {"migration", "show", kMigration});
    EXPECT_EQ(show.code, 0) << show.err;
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/migrations/") + kMigration);
    EXPECT_THAT(show.out, HasSubstr("STEP"));
    EXPECT_THAT(show.out, HasSubstr("check_agents"));

    const auto cancel = ctl(server, {"migration", "cancel", kMigration});
    EXPECT_EQ(cancel.code, 0) << cancel.err;
    EXPECT_EQ(server.requests().back().method, "POST");
    EXPECT_EQ(server.requests().back().uri,
              std::string("/api/v1/migrations/") + kMigration + "/cancel");
    EXPECT_THAT(cancel.out, HasSubstr(": cancelled"));
}

TEST_F(MigrationCommands, DrainPlansUnlessExecutedThenFollowsTheBatch) {
    std::atomic<int> polls{0};
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST" && Json::parse(request.body).value("execute", false)) {
            return json_reply(202, {{"simulator", {{"id", kSource}, {"state", "cordoned"}}},
                                    {"batch", batch_json("running", 0, 0, 3)}});
        }
        if (request.method == "POST") {
            return json_reply(200, {{"simulator", {{"id", kSource}}},
                                    {"policy", "basic-rules"},
                                    {"moves", Json::array()}});
        }
        EXPECT_EQ(request.uri, std::string("/api/v1/migration-batches/") + kBatch);
        return ++polls < 2 ? json_reply(200, batch_json("running", 1, 0, 2))
                           : json_reply(200, batch_json("finished", 3, 0, 0));
    });
    const auto plan = ctl(server, {"simulator", "drain", kSource});
    EXPECT_EQ(plan.code, 0) << plan.err;
    EXPECT_EQ(server.requests().back().body, "{}");
    EXPECT_THAT(plan.out, HasSubstr("moves planned by basic-rules"));

    const auto drained = ctl(server, {"simulator", "drain", kSource, "--execute", "--max-parallel",
                                      "3", "--warm", "--when-empty", "--wait"});
    EXPECT_EQ(drained.code, 0) << drained.err;
    EXPECT_EQ(Json::parse(server.requests().at(1).body),
              (Json{{"execute", true}, {"max_parallel", 3}, {"warm", true}, {"when_empty", true}}));
    EXPECT_THAT(drained.out, HasSubstr("1 done, 0 failed, 0 cancelled, 2 left of 3"));
    EXPECT_THAT(drained.out, HasSubstr("finished, 3 done, 0 failed, 0 cancelled, 0 left of 3"));

    EXPECT_EQ(
        ctl(server, {"simulator", "drain", kSource, "--execute", "--max-parallel", "17"}).code, 2);
}

TEST_F(MigrationCommands, EvacuateAndABatchWithFailuresIsExitOne) {
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            auto batch = batch_json("running", 0, 0, 2);
            batch["kind"] = "evacuate";
            return json_reply(202, {{"batch", batch}});
        }
        auto batch = batch_json("finished", 1, 1, 0);
        batch["kind"] = "evacuate";
        return json_reply(200, batch);
    });
    const auto result =
        ctl(server, {"simulator", "evacuate", kSource, "--max-parallel", "4", "--wait"});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(server.requests().at(0).uri,
              std::string("/api/v1/simulators/") + kSource + "/evacuate");
    EXPECT_EQ(Json::parse(server.requests().at(0).body), (Json{{"max_parallel", 4}}));
    EXPECT_THAT(result.out,
                HasSubstr(std::string("evacuate ") + kBatch + " of simulator " + kSource +
                          ": finished, 1 done, 1 failed, 0 cancelled, 0 left of 2"));
}

TEST_F(MigrationCommands, BatchListAllFollowsTheBeforeCursor) {
    FakeServer server([](const SeenRequest& request) {
        if (request.uri.find("before=c1") != std::string::npos) {
            return json_reply(200,
                              {{"items", {batch_json("finished", 2, 0, 0)}}, {"next", nullptr}});
        }
        return json_reply(200, {{"items", {batch_json("running", 1, 0, 2)}}, {"next", "c1"}});
    });
    const auto listed = ctl(server, {"batch", "list", "--all", "--limit", "1", "-o", "json"});
    EXPECT_EQ(listed.code, 0) << listed.err;
    ASSERT_EQ(server.requests().size(), 2U);
    EXPECT_EQ(server.requests().at(0).uri, "/api/v1/migration-batches?limit=1");
    EXPECT_EQ(server.requests().at(1).uri, "/api/v1/migration-batches?limit=1&before=c1");
    const auto answer = Json::parse(listed.out);
    EXPECT_EQ(answer.at("items").size(), 2U);
    EXPECT_TRUE(answer.at("next").is_null());
}

TEST_F(MigrationCommands, BatchListShowAndCancel) {
    FakeServer server([](const SeenRequest& request) {
        if (request.uri.rfind("/api/v1/migration-batches?", 0) == 0) {
            return json_reply(200,
                              {{"items", {batch_json("running", 1, 0, 2)}}, {"next", nullptr}});
        }
        return json_reply(200,
                          batch_json(request.method == "POST" ? "cancelled" : "running", 1, 0, 2));
    });
    const auto list = ctl(server, {"batch", "list", "--simulator", kSource});
    EXPECT_EQ(list.code, 0) << list.err;
    EXPECT_EQ(server.requests().back().uri,
              std::string("/api/v1/migration-batches?simulator_id=") + kSource);
    EXPECT_THAT(list.out, HasSubstr("DONE"));
    EXPECT_THAT(list.out, HasSubstr("LEFT"));

    // The API's word is the command's; `batch` is its short alias.
    const auto show = ctl(server, {"migration-batch", "show", kBatch});
    EXPECT_EQ(show.code, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr("running, 1 done, 0 failed, 0 cancelled, 2 left of 3"));
    EXPECT_THAT(show.out, HasSubstr("Alpha"));

    const auto cancel = ctl(server, {"batch", "cancel", kBatch});
    EXPECT_EQ(cancel.code, 0) << cancel.err;
    EXPECT_EQ(server.requests().back().uri,
              std::string("/api/v1/migration-batches/") + kBatch + "/cancel");
    EXPECT_THAT(cancel.out, HasSubstr(": cancelled, "));
}

TEST_F(MigrationCommands, RebalanceIsADryRunTableUnlessExecuted) {
    const Json moves = {{{"region_id", kRegion},
                         {"region_name", "Alpha"},
                         {"from_simulator_id", kSource},
                         {"to_simulator_id", kTarget},
                         {"reasons", {"spread: 4 of 4 regions", "target emptier"}}}};
    FakeServer server([&](const SeenRequest& request) {
        const bool dry = Json::parse(request.body).value("dry_run", true);
        return json_reply(
            dry ? 200 : 202,
            {{"moves", moves}, {"batch", dry ? Json(nullptr) : batch_json("running", 0, 0, 1)}});
    });
    const auto dry = ctl(server, {"placement", "rebalance", "--max-moves", "5"});
    EXPECT_EQ(dry.code, 0) << dry.err;
    EXPECT_EQ(server.requests().back().uri, "/api/v1/placement/rebalance");
    EXPECT_EQ(Json::parse(server.requests().back().body),
              (Json{{"dry_run", true}, {"max_moves", 5}}));
    EXPECT_THAT(dry.out, HasSubstr("REGION"));
    EXPECT_THAT(dry.out, HasSubstr("spread: 4 of 4 regions; target emptier"));
    EXPECT_THAT(dry.out, HasSubstr("dry run: nothing moved"));

    const auto executed = ctl(server, {"placement", "rebalance", "--execute"});
    EXPECT_EQ(executed.code, 0) << executed.err;
    EXPECT_EQ(Json::parse(server.requests().back().body), (Json{{"dry_run", false}}));
    EXPECT_THAT(executed.out, HasSubstr(std::string("started drain ") + kBatch));
    EXPECT_THAT(executed.out, Not(HasSubstr("dry run")));
}

}  // namespace
}  // namespace migration_commands_test
