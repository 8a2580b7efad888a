// The OpenAPI generator on its own: what it adds from the route table, what it refuses.
#include "control/api/openapi_document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/api/route_permission.hpp"

namespace vergegrid::control {
namespace {

using kernel::http::Router;
using json = nlohmann::ordered_json;
using ::testing::ElementsAre;

std::vector<Router::RouteInfo> sample_routes() {
    return {{"GET", "/healthz", kernel::http::Permission::anyone, std::nullopt},
            {"PATCH", "/api/v1/things/{id}", route_permission(Permission::write), std::nullopt},
            {"POST", "/api/v1/sim/things/{id}/done", route_permission(Permission::simulator),
             std::nullopt}};
}

OpenApiFragment fragment(const std::string& area, const json& content) {
    return {area, content.dump()};
}

json things_fragment() {
    return {
        {"tags", {{{"name", "things"}, {"description", "Things"}}}},
        {"paths",
         {{"/api/v1/things/{id}",
           {{"patch",
             {{"operationId", "patchThing"},
              {"summary", "Changes a thing"},
              {"tags", {"things"}},
              {"responses",
               {{"200", {{"description", "The thing"}}},
                {"412", {{"$ref", "#/components/responses/PreconditionFailed"}}},
                {"404", {{"description", "No such thing (its own words)"}}}}}}}}},
          {"/healthz", {{"get", {{"operationId", "health"}, {"responses", json::object()}}}}},
          {"/api/v1/gone", {{"get", {{"operationId", "gone"}, {"responses", json::object()}}}}}}},
        {"components", {{"schemas", {{"Thing", {{"type", "object"}}}}}}}};
}

TEST(OpenApiDocument, AddsPathParametersSecurityPermissionAndSharedErrors) {
    const auto built =
        build_openapi_document(sample_routes(), {fragment("things", things_fragment())}, "1.2.3");
    const auto& doc = built.document;
    EXPECT_EQ(doc.at("openapi"), "3.1.0");
    EXPECT_EQ(doc.at("info").at("version"), "1.2.3");

    const auto& patch = doc.at("paths").at("/api/v1/things/{id}").at("patch");
    EXPECT_EQ(
        patch.at("parameters"),
        json::parse(R"([{"name":"id","in":"path","required":true,"schema":{"type":"string"}}])"));
    EXPECT_EQ(patch.at("x-vergegrid-permission"), "write");
    EXPECT_EQ(patch.at("security").size(), 2u);  // a token or the console's session
    const auto& responses = patch.at("responses");
    for (const auto* status :
         {"200", "400", "401", "403", "404", "408", "412", "413", "500", "503"}) {
        EXPECT_TRUE(responses.contains(status)) << status;
    }
    // The fragment's own words win over the shared answer.
    EXPECT_EQ(responses.at("404").at("description"), "No such thing (its own words)");

    const auto& health = doc.at("paths").at("/healthz").at("get");
    EXPECT_EQ(health.at("security"), json::array());
    EXPECT_EQ(health.at("x-vergegrid-permission"), "anyone");
    EXPECT_FALSE(health.at("responses").contains("401"));
    EXPECT_FALSE(health.contains("parameters"));

    EXPECT_EQ(doc.at("components").at("schemas").at("Error").at("required"), json({"error"}));
    EXPECT_TRUE(doc.at("components").at("schemas").contains("Thing"));
}

TEST(OpenApiDocument, ListsUndocumentedRoutesWithAPlaceholderAndLeavesStaleOnesOut) {
    const auto built =
        build_openapi_document(sample_routes(), {fragment("things", things_fragment())}, "1");
    EXPECT_THAT(built.undocumented, ElementsAre("POST /api/v1/sim/things/{id}/done"));
    EXPECT_THAT(built.stale, ElementsAre("GET /api/v1/gone"));
    const auto& paths = built.document.at("paths");
    EXPECT_FALSE(paths.contains("/api/v1/gone"));
    const auto& placeholder = paths.at("/api/v1/sim/things/{id}/done").at("post");
    EXPECT_EQ(placeholder.at("x-vergegrid-undocumented"), true);
    // A simulator calls with its API key only.
    EXPECT_EQ(placeholder.at("security"), json::parse(R"([{"bearerToken":[]}])"));
}

TEST(OpenApiDocument, RefusesTwoFragmentsNamingTheSameSchemaOrOperation) {
    const json other = {{"components", {{"schemas", {{"Thing", {{"type", "string"}}}}}}}};
    EXPECT_THROW(
        build_openapi_document(sample_routes(),
                               {fragment("a", things_fragment()), fragment("b", other)}, "1"),
        std::logic_error);
    EXPECT_THROW(build_openapi_document(sample_routes(),
                                        {fragment("a", things_fragment()),
                                         fragment("b", {{"paths", things_fragment().at("paths")}})},
                                        "1"),
                 std::logic_error);
    const json error = {{"components", {{"schemas", {{"Error", {{"type", "string"}}}}}}}};
    EXPECT_THROW(build_openapi_document(sample_routes(), {fragment("e", error)}, "1"),
                 std::logic_error);
    EXPECT_THROW(build_openapi_document(sample_routes(), {{"bad", "{not json"}}, "1"),
                 std::invalid_argument);
}

TEST(OpenApiDocument, TheEmbeddedFragmentsMergeWithoutClashes) {
    const auto& fragments = embedded_openapi_fragments();
    ASSERT_FALSE(fragments.empty());
    EXPECT_NO_THROW(build_openapi_document({}, fragments, "1"));
}

}  // namespace
}  // namespace vergegrid::control
