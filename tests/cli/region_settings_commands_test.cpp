// vergegridctl and issue 12: `region update --restart`, `region restart`, `region settings` (the
// table of how each field reaches a running region) and pending_restart in `region get`/`show`,
// against tests/cli/fake_server scripted to docs/api.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/ctl_runner.hpp"

namespace region_settings_commands_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::json;

constexpr const char* kRegion = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";

Json region_json(const Json& pending) {
    return {{"id", kRegion},
            {"name", "Alpha"},
            {"version", "1.0.1"},
            {"pending_restart", pending},
            {"flags", {{"max_prims", 5000}}},
            {"change", "patch"},
            {"changes", Json::array()}};
}

Reply json_reply(int status, const Json& body) {
    return {status, "application/json", body.dump()};
}

TEST(RegionSettingsCommands, UpdateWithRestartSendsItBesideTheFields) {
    FakeServer server([](const SeenRequest&) { return json_reply(200, region_json({})); });
    CtlRunner ctl;
    const auto result =
        ctl(server, {"region", "update", kRegion, "--set", "flags.max_prims=5000", "--restart"});
    ASSERT_EQ(result.code, 0) << result.err;
    ASSERT_EQ(server.requests().size(), 1U);
    EXPECT_EQ(server.requests()[0].method, "PATCH");
    EXPECT_EQ(Json::parse(server.requests()[0].body),
              (Json{{"flags", {{"max_prims", 5000}}}, {"restart", true}}));

    // Alone, --restart is a request of its own (the region restarts), not "nothing to update".
    EXPECT_EQ(ctl(server, {"region", "update", kRegion, "--restart"}).code, 0);
    EXPECT_EQ(Json::parse(server.requests()[1].body), (Json{{"restart", true}}));
    // Without it nothing extra is sent; estates and templates do not take it.
    EXPECT_EQ(ctl(server, {"region", "update", kRegion, "--set", "name=Beta"}).code, 0);
    EXPECT_FALSE(Json::parse(server.requests()[2].body).contains("restart"));
    EXPECT_EQ(ctl(server, {"estate", "update", "Main", "--restart"}).code, 2);
}

TEST(RegionSettingsCommands, RestartPostsToTheRegionsRestart) {
    FakeServer server([](const SeenRequest&) {
        return json_reply(202, {{"restart", "queued"}, {"version", "1.0.1"}});
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"region", "restart", kRegion});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].method, "POST");
    EXPECT_EQ(server.requests()[0].uri, std::string("/api/v1/regions/") + kRegion + "/restart");
    EXPECT_THAT(result.out, HasSubstr("queued (version 1.0.1)"));
}

TEST(RegionSettingsCommands, SettingsShowsTheTable) {
    const Json table = {{"fields",
                         {{{"path", "flags.max_prims"},
                           {"mechanism", "stub key MaxPrims, read when the region loads"},
                           {"application", "on-restart"}},
                          {{"path", "environment.water_height"},
                           {"mechanism", "console: set water height"},
                           {"application", "live"}}}}};
    FakeServer server([&](const SeenRequest&) { return json_reply(200, table); });
    CtlRunner ctl;
    const auto result = ctl(server, {"region", "settings"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/region-settings");
    EXPECT_EQ(result.out,
              "FIELD                     APPLIED     MECHANISM\n"
              "flags.max_prims           on-restart  stub key MaxPrims, read when the region "
              "loads\n"
              "environment.water_height  live        console: set water height\n");
    EXPECT_EQ(Json::parse(ctl(server, {"-o", "json", "region", "settings"}).out), table);
}

TEST(RegionSettingsCommands, ShowListsThePendingFieldsRightAfterTheVersion) {
    Json pending = Json::array({"physics_type", "flags.max_prims"});
    FakeServer server([&](const SeenRequest&) { return json_reply(200, region_json(pending)); });
    CtlRunner ctl;
    const auto shown = ctl(server, {"region", "show", kRegion});
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_THAT(shown.out, HasSubstr("version          1.0.1\n"
                                     "pending_restart  physics_type, flags.max_prims\n"));
    pending = Json::array();
    EXPECT_THAT(ctl(server, {"region", "get", kRegion}).out, HasSubstr("pending_restart  none\n"));
}

}  // namespace
}  // namespace region_settings_commands_test
