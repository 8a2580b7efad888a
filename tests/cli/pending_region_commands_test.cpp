// vergegridctl and pending regions (docs/api.md, "Pending regions"): `region create
// --require-placement`, `region list --placement-state`, and the placement state in list, show
// and the create summary, against tests/cli/fake_server scripted to docs/api.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/ctl_runner.hpp"

namespace pending_region_commands_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::json;

constexpr const char* kRegion = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";
constexpr const char* kEstate = "00000000-0000-4000-8000-000000000001";

Json pending_region() {
    return {{"id", kRegion},
            {"name", "Alpha"},
            {"version", "1.0.0"},
            {"host", ""},
            {"port", 0},
            {"loc_x", 1000},
            {"loc_y", 1000},
            {"pending_restart", Json::array()},
            {"placement_state", "pending"},
            {"placement_reasons", {"sim-a: offline", "sim-b: no free region slot"}},
            {"change", "create"},
            {"changes", Json::array()}};
}

Reply json_reply(int status, const Json& body) {
    return {status, "application/json", body.dump()};
}

TEST(PendingRegionCommands, CreateSaysPendingAndWhy) {
    FakeServer server([](const SeenRequest&) { return json_reply(201, pending_region()); });
    CtlRunner ctl;
    const auto result = ctl(server, {"region", "create", "--set", "name=Alpha", "--set",
                                     std::string("estate_id=") + kEstate});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_FALSE(Json::parse(server.requests()[0].body).contains("require_placement"));
    EXPECT_THAT(result.out, HasSubstr("placement_state: pending"));
    EXPECT_THAT(result.out, HasSubstr("placement_reasons: sim-a: offline"));
}

TEST(PendingRegionCommands, RequirePlacementIsSentAndItsConflictIsAFailure) {
    FakeServer server([](const SeenRequest&) {
        return json_reply(409, {{"error",
                                 {{"code", "no_placement"},
                                  {"message", "no simulator can take the region"},
                                  {"field", "placement"}}}});
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"region", "create", "--set", "name=Alpha", "--set",
                                     std::string("estate_id=") + kEstate, "--require-placement"});
    EXPECT_NE(result.code, 0);
    EXPECT_EQ(Json::parse(server.requests()[0].body).at("require_placement"), true);
    EXPECT_THAT(result.err, HasSubstr("no_placement"));
    // Estates take no such flag.
    EXPECT_EQ(ctl(server, {"estate", "create", "--set", "name=E", "--require-placement"}).code, 2);
}

TEST(PendingRegionCommands, ListFiltersAndShowsTheState) {
    FakeServer server([](const SeenRequest&) {
        return json_reply(200, {{"items", {pending_region()}}, {"next", nullptr}});
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"region", "list", "--placement-state", "pending"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_THAT(server.requests()[0].uri, HasSubstr("placement_state=pending"));
    EXPECT_THAT(result.out, HasSubstr("PLACEMENT_STATE"));
    EXPECT_THAT(result.out, HasSubstr("pending"));
    EXPECT_EQ(ctl(server, {"region", "list", "--placement-state", "lost"}).code, 2);
}

TEST(PendingRegionCommands, ShowPrintsTheStateAndReasons) {
    FakeServer server([](const SeenRequest&) { return json_reply(200, pending_region()); });
    CtlRunner ctl;
    const auto shown = ctl(server, {"region", "show", kRegion});
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_THAT(shown.out, HasSubstr("placement_state    pending\n"));
    EXPECT_THAT(shown.out,
                HasSubstr("placement_reasons  sim-a: offline; sim-b: no free region slot\n"));
}

}  // namespace
}  // namespace pending_region_commands_test
