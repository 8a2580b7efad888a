// vergegridctl openapi: the server's document (GET /api/v1/openapi.json) printed as JSON, as
// sent; an answer that is no OpenAPI document is an error naming what it lacks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/ctl_runner.hpp"

namespace openapi_command_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::ordered_json;

FakeServer::Responder answering(const Json& body) {
    return [text = body.dump()](const SeenRequest&) {
        return Reply{200, "application/json", text};
    };
}

TEST(OpenApiCommand, PrintsTheServersDocumentAsJson) {
    const Json document = {
        {"openapi", "3.1.0"},
        {"info", {{"title", "VergeGrid control plane API"}, {"version", "0.1.0"}}},
        {"paths", {{"/healthz", {{"get", {{"operationId", "getHealth"}}}}}}}};
    FakeServer server(answering(document));
    CtlRunner ctl;
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"openapi"}, {"openapi", "-o", "json"}}) {
        const auto result = ctl(server, args);
        ASSERT_EQ(result.code, 0) << result.err;
        EXPECT_EQ(Json::parse(result.out), document);
    }
    ASSERT_EQ(server.requests().size(), 2u);
    EXPECT_EQ(server.requests()[0].method, "GET");
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/openapi.json");
}

TEST(OpenApiCommand, AnAnswerWithoutPathsIsAnError) {
    FakeServer server(answering({{"openapi", "3.1.0"}}));
    CtlRunner ctl;
    const auto result = ctl(server, {"openapi"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("paths"));
}

}  // namespace
}  // namespace openapi_command_test
