#include "kernel/http/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "kernel/http/api_error.hpp"

namespace {

namespace http = vergegrid::kernel::http;

http::Handler answering(int status) {
    return [status](const http::Request&) { return http::Response::json(status, nullptr); };
}

int call(const http::RouteMatch& match) {
    return (*match.handler)(http::Request{}).status;
}

TEST(Router, MatchesLiteralRoute) {
    http::Router router;
    router.add("GET", "/healthz", vergegrid::kernel::http::Permission::anyone, answering(200));
    const auto match = router.match("GET", "/healthz");
    ASSERT_EQ(match.outcome, http::MatchOutcome::matched);
    EXPECT_EQ(match.pattern, "/healthz");
    EXPECT_TRUE(match.params.empty());
    EXPECT_EQ(call(match), 200);
}

TEST(Router, ExtractsPercentDecodedParameters) {
    http::Router router;
    router.add("GET", "/api/v1/regions/{id}/objects/{object}",
               vergegrid::kernel::http::Permission::anyone, answering(200));
    const auto match = router.match("GET", "/api/v1/regions/r%201/objects/a%2Fb+c");
    ASSERT_EQ(match.outcome, http::MatchOutcome::matched);
    EXPECT_EQ(match.pattern, "/api/v1/regions/{id}/objects/{object}");
    EXPECT_EQ(match.params.at("id"), "r 1");
    EXPECT_EQ(match.params.at("object"), "a/b+c");  // '+' is literal in a path
}

TEST(Router, LiteralSegmentBeatsParameterWhateverTheOrderOfRegistration) {
    http::Router literal_first;
    literal_first.add("GET", "/regions/new", vergegrid::kernel::http::Permission::anyone,
                      answering(201));
    literal_first.add("GET", "/regions/{id}", vergegrid::kernel::http::Permission::anyone,
                      answering(200));
    http::Router param_first;
    param_first.add("GET", "/regions/{id}", vergegrid::kernel::http::Permission::anyone,
                    answering(200));
    param_first.add("GET", "/regions/new", vergegrid::kernel::http::Permission::anyone,
                    answering(201));

    for (const auto* router : {&literal_first, &param_first}) {
        EXPECT_EQ(call(router->match("GET", "/regions/new")), 201);
        const auto other = router->match("GET", "/regions/42");
        EXPECT_EQ(call(other), 200);
        EXPECT_EQ(other.params.at("id"), "42");
    }
}

TEST(Router, LeftmostLiteralSegmentDecides) {
    http::Router router;
    router.add("GET", "/a/{x}/c", vergegrid::kernel::http::Permission::anyone, answering(1 + 200));
    router.add("GET", "/a/b/{y}", vergegrid::kernel::http::Permission::anyone, answering(2 + 200));
    EXPECT_EQ(call(router.match("GET", "/a/b/c")), 202);
    EXPECT_EQ(call(router.match("GET", "/a/z/c")), 201);
}

TEST(Router, ParameterRouteServesAMethodTheLiteralRouteLacks) {
    http::Router router;
    router.add("GET", "/regions/new", vergegrid::kernel::http::Permission::anyone, answering(201));
    router.add("DELETE", "/regions/{id}", vergegrid::kernel::http::Permission::anyone,
               answering(204));
    const auto match = router.match("DELETE", "/regions/new");
    ASSERT_EQ(match.outcome, http::MatchOutcome::matched);
    EXPECT_EQ(match.params.at("id"), "new");
}

TEST(Router, UnknownPathIsNoRoute) {
    http::Router router;
    router.add("GET", "/regions/{id}", vergegrid::kernel::http::Permission::anyone, answering(200));
    EXPECT_EQ(router.match("GET", "/nope").outcome, http::MatchOutcome::no_route);
    EXPECT_EQ(router.match("GET", "/regions/1/more").outcome, http::MatchOutcome::no_route);
    EXPECT_EQ(router.match("GET", "").outcome, http::MatchOutcome::no_route);
    EXPECT_EQ(router.match("GET", "*").outcome, http::MatchOutcome::no_route);
}

TEST(Router, KnownPathWithOtherMethodIsMethodNotAllowed) {
    http::Router router;
    router.add("POST", "/regions", vergegrid::kernel::http::Permission::anyone, answering(201));
    router.add("GET", "/regions", vergegrid::kernel::http::Permission::anyone, answering(200));
    router.add("PUT", "/regions/{id}", vergegrid::kernel::http::Permission::anyone, answering(200));
    const auto match = router.match("DELETE", "/regions");
    EXPECT_EQ(match.outcome, http::MatchOutcome::method_not_allowed);
    EXPECT_EQ(match.handler, nullptr);
    EXPECT_EQ(match.allow_header(), "GET, POST");
    EXPECT_EQ(router.match("get", "/regions").outcome, http::MatchOutcome::method_not_allowed);
}

TEST(Router, TrailingSlashAndEmptySegmentsDoNotMatch) {
    http::Router router;
    router.add("GET", "/regions", vergegrid::kernel::http::Permission::anyone, answering(200));
    router.add("GET", "/regions/{id}", vergegrid::kernel::http::Permission::anyone, answering(200));
    EXPECT_EQ(router.match("GET", "/regions/").outcome, http::MatchOutcome::no_route);
    EXPECT_EQ(router.match("GET", "//regions").outcome, http::MatchOutcome::no_route);
}

TEST(Router, RootPath) {
    http::Router router;
    router.add("GET", "/", vergegrid::kernel::http::Permission::anyone, answering(200));
    EXPECT_EQ(router.match("GET", "/").outcome, http::MatchOutcome::matched);
}

TEST(Router, RejectsMalformedPatterns) {
    http::Router router;
    EXPECT_THROW(
        router.add("GET", "regions", vergegrid::kernel::http::Permission::anyone, answering(200)),
        std::invalid_argument);
    EXPECT_THROW(router.add("GET", "/regions/{}", vergegrid::kernel::http::Permission::anyone,
                            answering(200)),
                 std::invalid_argument);
    EXPECT_THROW(router.add("GET", "/regions/{id", vergegrid::kernel::http::Permission::anyone,
                            answering(200)),
                 std::invalid_argument);
    EXPECT_THROW(router.add("GET", "/regions/x{id}", vergegrid::kernel::http::Permission::anyone,
                            answering(200)),
                 std::invalid_argument);
    EXPECT_THROW(router.add("GET", "/a/{id}/b/{id}", vergegrid::kernel::http::Permission::anyone,
                            answering(200)),
                 std::invalid_argument);
    EXPECT_THROW(
        router.add("GE T", "/a", vergegrid::kernel::http::Permission::anyone, answering(200)),
        std::invalid_argument);
    EXPECT_THROW(
        router.add("GET", "/a", vergegrid::kernel::http::Permission::anyone, http::Handler{}),
        std::invalid_argument);
}

TEST(Router, RejectsARouteOfTheSameShapeForTheSameMethod) {
    http::Router router;
    router.add("GET", "/regions/{id}", vergegrid::kernel::http::Permission::anyone, answering(200));
    EXPECT_THROW(router.add("GET", "/regions/{name}", vergegrid::kernel::http::Permission::anyone,
                            answering(200)),
                 std::logic_error);
    EXPECT_NO_THROW(router.add("PUT", "/regions/{name}",
                               vergegrid::kernel::http::Permission::anyone, answering(200)));
    EXPECT_NO_THROW(router.add("GET", "/regions/new", vergegrid::kernel::http::Permission::anyone,
                               answering(200)));
}

TEST(Router, MalformedEscapeInAParameterIsA400) {
    http::Router router;
    router.add("GET", "/regions/{id}", vergegrid::kernel::http::Permission::anyone, answering(200));
    try {
        router.match("GET", "/regions/bad%zz");
        FAIL() << "expected ApiError";
    } catch (const http::ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "invalid_path");
        EXPECT_EQ(e.field(), "id");
    }
}

}  // namespace
