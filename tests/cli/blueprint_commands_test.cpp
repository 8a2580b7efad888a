// vergegridctl blueprints list|show|plan|apply (docs/blueprints.md): the requests they send (the
// --param assignments as the parameters object, numbers as numbers) and the tables they print,
// refusals included. Against tests/cli/fake_server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/ctl_runner.hpp"

namespace blueprint_commands_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::ordered_json;

const Json kGrid{{"name", "grid"},
                 {"description", "an N x M continent"},
                 {"parameters",
                  {{"type", "object"},
                   {"properties",
                    {{"columns",
                      {{"type", "integer"},
                       {"minimum", 1},
                       {"maximum", 32},
                       {"description", "regions from west to east"}}},
                     {"gap", {{"type", "integer"}, {"default", 0}}}}},
                   {"required", {"columns"}}}}};

FakeServer::Responder answering(int status, const Json& body) {
    return [status, text = body.dump()](const SeenRequest&) {
        return Reply{status, "application/json", text};
    };
}

Json planned(const std::string& name, int x, const Json& region, const Json& refusal) {
    return {{"name", name},
            {"spec", {{"name", name}, {"loc_x", x}, {"loc_y", 7}}},
            {"region", region},
            {"refusal", refusal}};
}

TEST(BlueprintCommands, ListsTheBlueprints) {
    FakeServer server(answering(200, {{"items", {kGrid}}, {"next", nullptr}}));
    CtlRunner ctl;
    const auto result = ctl(server, {"blueprints", "list"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests().at(0).uri, "/api/v1/blueprints");
    EXPECT_THAT(result.out, HasSubstr("NAME  DESCRIPTION"));
    EXPECT_THAT(result.out, HasSubstr("grid  an N x M continent"));
}

TEST(BlueprintCommands, ShowsTheParametersFromTheSchema) {
    FakeServer server(answering(200, kGrid));
    CtlRunner ctl;
    const auto result = ctl(server, {"blueprints", "show", "grid"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests().at(0).uri, "/api/v1/blueprints/grid");
    EXPECT_THAT(result.out, HasSubstr("columns  integer  yes"));
    EXPECT_THAT(result.out, HasSubstr("1..32"));
    EXPECT_THAT(result.out, HasSubstr("gap      integer  no        0"));
}

TEST(BlueprintCommands, PlanSendsTheParametersAndShowsRefusals) {
    const Json answer{
        {"blueprint", "grid"},
        {"applied", false},
        {"refused", 1},
        {"regions",
         {planned("Main-1", 5, {{"id", "r1"}, {"placement_state", "pending"}}, nullptr),
          planned(
              "Main-2", 6, nullptr,
              {{"code", "overlap"}, {"field", "loc_x"}, {"message", "overlaps 'Lighthouse'"}})}}};
    FakeServer server(answering(200, answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"blueprints", "plan", "grid", "--param", "columns=2", "-p",
                                     "template=Plain", "--param", "prefix=Main"});
    ASSERT_EQ(result.code, 0) << result.err;
    const auto seen = server.requests().at(0);  // requests() answers a copy
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.uri, "/api/v1/blueprints/grid/plan");
    const auto body = Json::parse(seen.body);
    EXPECT_EQ(body.at("parameters").at("columns"), 2);
    EXPECT_EQ(body.at("parameters").at("template"), "Plain");
    EXPECT_THAT(result.out, HasSubstr("Main-1  5,7"));
    EXPECT_THAT(result.out, HasSubstr("pending"));
    EXPECT_THAT(result.out, HasSubstr("overlap (loc_x): overlaps 'Lighthouse'"));
    EXPECT_THAT(result.out, HasSubstr("dry run: 2 regions, 1 refused; nothing written"));
}

TEST(BlueprintCommands, ApplyCreatesOrReportsTheConflict) {
    const Json answer{
        {"blueprint", "grid"},
        {"applied", true},
        {"refused", 0},
        {"regions",
         {planned("Main-1", 5,
                  {{"id", "r1"}, {"host", "sim1"}, {"port", 9000}, {"placement_state", "placed"}},
                  nullptr)}}};
    FakeServer server(answering(201, answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"blueprints", "apply", "grid", "-p", "columns=1"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests().at(0).uri, "/api/v1/blueprints/grid/apply");
    EXPECT_THAT(result.out, HasSubstr("sim1:9000"));
    EXPECT_THAT(result.out, HasSubstr("applied: 1 regions created"));

    FakeServer refusing(answering(
        409, {{"error",
               {{"code", "overlap"},
                {"field", "regions[1].loc_x"},
                {"message", "region 'Main-2' (2 of 2): overlaps region 'Lighthouse'"}}}}));
    const auto refused = ctl(refusing, {"blueprints", "apply", "grid", "-p", "columns=2"});
    EXPECT_NE(refused.code, 0);
    EXPECT_THAT(refused.err, HasSubstr("Main-2"));
    EXPECT_THAT(refused.err, HasSubstr("regions[1].loc_x"));
}

}  // namespace
}  // namespace blueprint_commands_test
