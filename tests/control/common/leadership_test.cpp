// Leadership: the jobs' question, and the wake-up of the jobs when this process starts leading.
#include <gtest/gtest.h>

#include "control/common/leadership.hpp"

namespace vergegrid::control {
namespace {

TEST(Leadership, JobsRunWithoutAClusterOrWhenLeading) {
    EXPECT_TRUE(may_lead(nullptr));
    Leadership alone(true);
    EXPECT_TRUE(may_lead(&alone));
    Leadership follower;
    EXPECT_FALSE(may_lead(&follower));
    follower.set(true);
    EXPECT_TRUE(may_lead(&follower));
    follower.set(false);
    EXPECT_FALSE(may_lead(&follower));
}

TEST(Leadership, CallbacksRunOnceEachTimeLeadershipIsGained) {
    Leadership leadership;
    int gained = 0;
    leadership.on_gained([&] { ++gained; });
    leadership.set(false);
    EXPECT_EQ(gained, 0);
    leadership.set(true);
    leadership.set(true);  // kept, not gained again
    EXPECT_EQ(gained, 1);
    leadership.set(false);
    leadership.set(true);
    EXPECT_EQ(gained, 2);
}

}  // namespace
}  // namespace vergegrid::control
