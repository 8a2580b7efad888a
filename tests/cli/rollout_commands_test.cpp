// vergegridctl's rollout commands, in process against tests/cli/fake_server scripted to the
// contract of docs/api.md "Rollouts": the request `rollouts start` sends for every flag, the
// table a dry run prints, --wait following the rollout to its end (exit 1 unless it succeeded),
// list, show, pause, resume and cancel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "tests/cli/ctl_runner.hpp"
#include "tests/cli/fake_server.hpp"

namespace rollout_commands_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::cli::test::CtlResult;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::json;

constexpr const char* kTemplate = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";
constexpr const char* kRollout = "5b0e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4";

Reply json_reply(int status, const Json& body) {
    return {status, "application/json", body.dump()};
}

Json rollout_json(const std::string& state, int upgraded, int rolled_back = 0,
                  const std::string& error = "") {
    return {{"id", kRollout},
            {"template_id", kTemplate},
            {"to_version", "1.0.1"},
            {"state", state},
            {"current_wave", 2},
            {"error", error.empty() ? Json(nullptr) : Json(error)},
            {"progress",
             {{"total", 20}, {"upgraded", upgraded}, {"failed", 0}, {"rolled_back", rolled_back}}},
            {"regions",
             {{{"wave", 1},
               {"region_name", "Sand 07"},
               {"state", "upgraded"},
               {"from_version", "1.0.0"},
               {"to_version", "1.1.0"}}}}};
}

class RolloutCommands : public ::testing::Test {
  protected:
    CtlResult ctl(const FakeServer& server, std::vector<std::string> args) {
        return run_ctl_(server, std::move(args));
    }
    CtlRunner run_ctl_;
};

TEST_F(RolloutCommands, StartSendsEveryOption) {
    FakeServer server(
        [](const SeenRequest&) { return json_reply(201, rollout_json("running", 1)); });
    const auto result =
        ctl(server, {"rollouts", "start",      kTemplate,     "--to",       "1.0.1",
                     "--waves",  "1,10%,100%", "--threshold", "2",          "--max-unavailable",
                     "3",        "--pause",    "30",          "--deadline", "90",
                     "--canary", "Sand 07",    "--canary",    "Sand 09",    "--name-prefix",
                     "Sand"});
    EXPECT_EQ(result.code, 0) << result.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].uri, std::string("/api/v1/templates/") + kTemplate + "/rollouts");
    EXPECT_EQ(Json::parse(requests[0].body), (Json{{"to_version", "1.0.1"},
                                                   {"waves", {1, "10%", "100%"}},
                                                   {"failure_threshold", 2},
                                                   {"max_unavailable", 3},
                                                   {"pause_between_s", 30},
                                                   {"deadline_s", 90},
                                                   {"canaries", {"Sand 07", "Sand 09"}},
                                                   {"regions", {{"name_prefix", "Sand"}}}}));
    EXPECT_THAT(result.out, HasSubstr(std::string("rollout ") + kRollout +
                                      " to 1.0.1: running, wave 2, 1 upgraded, 0 failed"));
    EXPECT_THAT(result.out, HasSubstr("Sand 07"));

    const auto bare = ctl(server, {"rollouts", "start", kTemplate, "--to", "1.0.1"});
    EXPECT_EQ(bare.code, 0) << bare.err;
    EXPECT_EQ(Json::parse(server.requests().back().body), (Json{{"to_version", "1.0.1"}}));

    EXPECT_EQ(ctl(server, {"rollouts", "start", kTemplate, "--to", "1.0"}).code, 2);
    EXPECT_EQ(ctl(server, {"rollouts", "start", kTemplate, "--to", "1.0.1", "--waves", "1,x"}).code,
              2);
    EXPECT_EQ(ctl(server, {"rollouts", "start", kTemplate}).code, 2);  // --to is required
}

TEST_F(RolloutCommands, ADryRunPrintsEachRegionsChange) {
    FakeServer server([](const SeenRequest&) {
        return json_reply(200, {{"id", nullptr},
                                {"dry_run", true},
                                {"state", "planned"},
                                {"to_version", "1.0.1"},
                                {"current_wave", 1},
                                {"regions",
                                 {{{"wave", 1},
                                   {"region_name", "Sand 01"},
                                   {"from_version", "1.0.0"},
                                   {"to_version", "1.1.0"},
                                   {"bump", "minor"},
                                   {"delivery", "eager"},
                                   {"restart_needed", false}}}}});
    });
    const auto result = ctl(server, {"rollouts", "start", kTemplate, "--to", "1.0.1", "--dry-run"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(Json::parse(server.requests().back().body).at("dry_run"), true);
    EXPECT_THAT(result.out, HasSubstr("planned"));
    EXPECT_THAT(result.out, HasSubstr("Sand 01"));
    EXPECT_THAT(result.out, HasSubstr("minor"));
    EXPECT_THAT(result.out, HasSubstr("eager"));
}

TEST_F(RolloutCommands, WaitFollowsTheRolloutAndARollbackIsExitOne) {
    std::atomic<int> polls{0};
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(201, rollout_json("running", 1));
        }
        EXPECT_EQ(request.uri, std::string("/api/v1/rollouts/") + kRollout);
        return ++polls < 2 ? json_reply(200, rollout_json("running", 3))
                           : json_reply(200, rollout_json("rolled_back", 3, 5,
                                                          "2 region(s) of wave 2 failed"));
    });
    const auto result = ctl(server, {"rollouts", "start", kTemplate, "--to", "1.0.1", "--wait"});
    EXPECT_EQ(result.code, 1) << result.err;
    EXPECT_EQ(polls.load(), 2);
    EXPECT_THAT(result.err, HasSubstr("running, wave 2, 3 upgraded"));
    EXPECT_THAT(result.out, HasSubstr("rolled_back"));
    EXPECT_THAT(result.out, HasSubstr("2 region(s) of wave 2 failed"));
}

TEST_F(RolloutCommands, ListShowPauseResumeCancel) {
    FakeServer server([](const SeenRequest& request) {
        if (request.uri.rfind("/api/v1/rollouts?", 0) == 0 ||
            request.uri.find("/rollouts?") != std::string::npos ||
            request.uri.ends_with("/rollouts")) {
            return json_reply(200, {{"items", {rollout_json("running", 2)}}, {"next", nullptr}});
        }
        if (request.method == "POST") {
            const bool paused = request.uri.ends_with("/pause");
            return json_reply(200, rollout_json(paused ? "paused" : "running", 2));
        }
        return json_reply(200, rollout_json("running", 2));
    });
    const auto listed = ctl(server, {"rollouts", "list", "--limit", "5"});
    EXPECT_EQ(listed.code, 0) << listed.err;
    EXPECT_EQ(server.requests().back().uri, "/api/v1/rollouts?limit=5");
    EXPECT_THAT(listed.out, HasSubstr(kRollout));

    const auto of_template = ctl(server, {"rollouts", "list", "--template", kTemplate});
    EXPECT_EQ(of_template.code, 0) << of_template.err;
    EXPECT_EQ(server.requests().back().uri,
              std::string("/api/v1/templates/") + kTemplate + "/rollouts");

    const auto shown = ctl(server, {"rollouts", "show", kRollout});
    EXPECT_EQ(shown.code, 0) << shown.err;
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/rollouts/") + kRollout);
    EXPECT_THAT(shown.out, HasSubstr("Sand 07"));

    for (const std::string verb : {"pause", "resume", "cancel"}) {
        const auto done = ctl(server, {"rollouts", verb, kRollout});
        EXPECT_EQ(done.code, 0) << done.err;
        EXPECT_EQ(server.requests().back().method, "POST");
        EXPECT_EQ(server.requests().back().uri,
                  std::string("/api/v1/rollouts/") + kRollout + "/" + verb);
    }
    EXPECT_THAT(ctl(server, {"rollouts", "pause", kRollout}).out, HasSubstr("paused"));
}

TEST_F(RolloutCommands, ListAllFollowsTheServersCursor) {
    FakeServer server([](const SeenRequest& request) {
        if (request.uri.find("after=c1") != std::string::npos) {
            Json last = rollout_json("cancelled", 0);
            last["id"] = "second-page-rollout";
            return json_reply(200, {{"items", {last}}, {"next", nullptr}});
        }
        return json_reply(200, {{"items", {rollout_json("running", 2)}}, {"next", "c1"}});
    });
    const auto listed = ctl(server, {"rollouts", "list", "--all", "--limit", "1"});
    EXPECT_EQ(listed.code, 0) << listed.err;
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[0].uri, "/api/v1/rollouts?limit=1");
    EXPECT_EQ(seen[1].uri, "/api/v1/rollouts?limit=1&after=c1");
    EXPECT_THAT(listed.out, HasSubstr(kRollout));
    EXPECT_THAT(listed.out, HasSubstr("second-page-rollout"));
}

}  // namespace
}  // namespace rollout_commands_test
