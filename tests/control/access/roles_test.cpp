// The control plane's roles: what each permission admits, and the names the routes listing shows.
#include "control/access/roles.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using vergegrid::control::parse_permission;
using vergegrid::control::Permission;
using vergegrid::control::permits;

TEST(Roles, EachPermissionAdmitsExactlyItsRoles) {
    const std::vector<std::string> roles{"viewer", "operator", "admin", "simulator", "anonymous"};
    const std::map<Permission, std::set<std::string>> admitted{
        {Permission::anyone, {"viewer", "operator", "admin", "simulator", "anonymous"}},
        {Permission::read, {"viewer", "operator", "admin"}},
        {Permission::write, {"operator", "admin"}},
        {Permission::admin, {"admin"}},
        {Permission::simulator, {"simulator"}},
    };
    for (const auto& [permission, allowed] : admitted) {
        for (const auto& role : roles) {
            EXPECT_EQ(permits(permission, role), allowed.count(role) == 1)
                << to_string(permission) << " for " << role;
        }
    }
}

TEST(Roles, NamesRoundTripAndUnknownNamesAreNone) {
    for (auto p : {Permission::anyone, Permission::read, Permission::write, Permission::admin,
                   Permission::simulator}) {
        EXPECT_EQ(parse_permission(to_string(p)), p);
    }
    EXPECT_EQ(to_string(Permission::write), "write");
    EXPECT_FALSE(parse_permission("root"));
    EXPECT_FALSE(parse_permission(""));
}

}  // namespace
