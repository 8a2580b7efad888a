// The estate owner rule: an OpenSim avatar name "First Last" or a user's UUID, never the zero
// UUID; anything else is explained.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/estates/estate_owner.hpp"

namespace vergegrid::control {
namespace {

using ::testing::HasSubstr;

TEST(EstateOwner, AvatarNamesAndUuidsAreAccepted) {
    for (const char* owner : {"Grid Owner", "Ada Lovelace", "José Müller", "a.b c_d",
                              "7b9a3c1e-0f52-4d7e-9a61-2c4f8e0b5d13"}) {
        EXPECT_EQ(estate_owner_problem(owner), std::nullopt) << owner;
    }
    const std::string longest(64, 'x');
    EXPECT_EQ(estate_owner_problem(longest + " " + longest), std::nullopt);
}

TEST(EstateOwner, WhatOpenSimCannotNameIsRefused) {
    const std::string too_long(65, 'x');
    for (const std::string& owner :
         std::vector<std::string>{"", "Governor", "Grid  Owner", " Grid Owner", "Grid Owner ",
                                  "Three Word Name", "Grid\tOwner", "Grid\x01 Owner",
                                  "\"Grid\" Owner", too_long + " Owner", "Grid " + too_long}) {
        const auto problem = estate_owner_problem(owner);
        ASSERT_TRUE(problem.has_value()) << owner;
        EXPECT_THAT(*problem, HasSubstr("First Last")) << owner;
    }
}

TEST(EstateOwner, TheZeroUuidIsNoUser) {
    const auto problem = estate_owner_problem("00000000-0000-0000-0000-000000000000");
    ASSERT_TRUE(problem.has_value());
    EXPECT_THAT(*problem, HasSubstr("zero UUID"));
}

TEST(EstateOwner, AUuidMustBeCanonical) {
    const auto problem = estate_owner_problem("7B9A3C1E-0F52-4D7E-9A61-2C4F8E0B5D13");
    ASSERT_TRUE(problem.has_value());
    EXPECT_THAT(*problem, HasSubstr("lower-case"));
    EXPECT_TRUE(estate_owner_problem("7b9a3c1e-0f52-4d7e-9a61-2c4f8e0b5dzz").has_value());
}

}  // namespace
}  // namespace vergegrid::control
