// The kernel's permissions know no roles: `anyone`, or a name only the program's authorizer
// understands. The router answers 401 for an anonymous caller of a named permission and 403 when
// the authorizer (or its absence) refuses; a program's own requirement type converts by ADL.
#include "kernel/http/permission.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "kernel/http/api_error.hpp"
#include "kernel/http/router.hpp"

namespace {

namespace http = vergegrid::kernel::http;

int status_of(const http::Router& router, const http::Permission& needed,
              const http::Caller& caller) {
    try {
        router.authorize(needed, caller);
        return 0;
    } catch (const http::ApiError& e) {
        return e.status();
    }
}

http::Caller caller_with_role(const std::string& role) {
    http::Caller caller;
    caller.subject = "someone";
    caller.role = role;
    return caller;
}

TEST(Permission, AnyoneAndNamedOnesAreTold) {
    EXPECT_TRUE(http::Permission::anyone.is_anyone());
    EXPECT_EQ(http::to_string(http::Permission::anyone), "anyone");
    const auto reports = http::Permission::named("reports");
    EXPECT_FALSE(reports.is_anyone());
    EXPECT_EQ(http::to_string(reports), "reports");
    EXPECT_EQ(reports, http::Permission::named("reports"));
    EXPECT_NE(reports, http::Permission::anyone);
    EXPECT_THROW(http::Permission::named(""), std::invalid_argument);
    EXPECT_THROW(http::Permission::named("anyone"), std::invalid_argument);
}

TEST(Permission, AnyoneAdmitsEveryCallerWithoutAskingTheAuthorizer) {
    http::Router router;
    bool asked = false;
    router.set_authorizer([&](const http::Permission&, const http::Caller&) {
        asked = true;
        return false;
    });
    EXPECT_EQ(status_of(router, http::Permission::anyone, http::Caller{}), 0);
    EXPECT_FALSE(asked);
}

TEST(Permission, AnAnonymousCallerOfANamedPermissionIsUnauthenticated) {
    http::Router router;
    router.set_authorizer([](const http::Permission&, const http::Caller&) { return true; });
    try {
        router.authorize(http::Permission::named("reports"), http::Caller{});
        FAIL() << "admitted";
    } catch (const http::ApiError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(e.code(), "unauthenticated");
    }
}

TEST(Permission, TheAuthorizerDecidesForAnAuthenticatedCaller) {
    http::Router router;
    router.set_authorizer([](const http::Permission& needed, const http::Caller& caller) {
        return needed.name() == "reports" && caller.role == "clerk";
    });
    EXPECT_EQ(status_of(router, http::Permission::named("reports"), caller_with_role("clerk")), 0);
    try {
        router.authorize(http::Permission::named("reports"), caller_with_role("guest"));
        FAIL() << "admitted";
    } catch (const http::ApiError& e) {
        EXPECT_EQ(e.status(), 403);
        EXPECT_EQ(e.code(), "forbidden");
        EXPECT_STREQ(e.what(), "a guest may not do this (needs reports)");
    }
}

TEST(Permission, WithoutAnAuthorizerEveryNamedPermissionIsForbidden) {
    http::Router router;
    EXPECT_EQ(status_of(router, http::Permission::named("reports"), caller_with_role("clerk")),
              403);
}

}  // namespace

// A program's own requirement type, as the control plane's roles are.
namespace program {
enum class Needs { nothing, reports };
vergegrid::kernel::http::Permission route_permission(Needs needs) {
    return needs == Needs::nothing ? vergegrid::kernel::http::Permission::anyone
                                   : vergegrid::kernel::http::Permission::named("reports");
}
}  // namespace program

namespace {

TEST(Permission, AProgramsRequirementConvertsThroughItsRoutePermission) {
    http::Router router;
    router.add("GET", "/open", program::Needs::nothing,
               [](const http::Request&) { return http::Response::json(200, nullptr); });
    router.add("GET", "/reports", program::Needs::reports,
               [](const http::Request&) { return http::Response::json(200, nullptr); });
    const auto routes = router.routes();
    ASSERT_EQ(routes.size(), 2u);
    EXPECT_TRUE(routes[0].permission.is_anyone());
    EXPECT_EQ(http::to_string(routes[1].permission), "reports");
    EXPECT_EQ(router.match("GET", "/reports").permission, http::Permission::named("reports"));
}

}  // namespace
