// The failed-login throttle on a clock of its own: limits per name and per address, lockouts that
// double, what a success clears, parallel attempts, and its bound on memory.
#include "control/access/login_throttle.hpp"

#include <gtest/gtest.h>

namespace {

using vergegrid::control::LoginThrottle;
using vergegrid::control::LoginThrottleSettings;
using namespace std::chrono_literals;

const LoginThrottleSettings kSettings{3, 5, 900s, 60s};

// One attempt that fails; false when the throttle refused it.
bool fail(LoginThrottle& throttle, const std::string& name, const std::string& address,
          LoginThrottle::Clock::time_point now) {
    if (throttle.admit(name, address, now)) {
        return false;
    }
    throttle.failed(name, address, now);
    return true;
}

TEST(LoginThrottle, LocksANameAfterItsFailuresForTheLockout) {
    LoginThrottle throttle(kSettings);
    const auto t0 = LoginThrottle::Clock::now();
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(fail(throttle, "olga", "10.0.0." + std::to_string(i), t0));
    }
    const auto wait = throttle.admit("olga", "10.0.0.9", t0 + 1s);
    ASSERT_TRUE(wait) << "a fourth try at the name, from a fresh address";
    EXPECT_EQ(*wait, 59s);
    EXPECT_FALSE(throttle.admit("otto", "10.0.0.9", t0 + 1s)) << "other names are not locked";
    throttle.abandoned("otto", "10.0.0.9");
    EXPECT_FALSE(throttle.admit("olga", "10.0.0.9", t0 + 60s)) << "the lockout ran out";
}

TEST(LoginThrottle, EachFailureAfterALockoutDoublesTheNextUpToTheWindow) {
    LoginThrottle throttle(kSettings);
    auto now = LoginThrottle::Clock::now();
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(fail(throttle, "olga", "a" + std::to_string(i), now));
    }
    for (const auto expected : {120s, 240s, 480s, 900s, 900s}) {
        now += *throttle.admit("olga", "b", now);
        ASSERT_TRUE(fail(throttle, "olga", "b" + std::to_string(expected.count()), now));
        EXPECT_EQ(throttle.admit("olga", "c", now), expected);
    }
}

TEST(LoginThrottle, LocksAnAddressAfterItsFailuresWhateverTheNames) {
    LoginThrottle throttle(kSettings);
    const auto t0 = LoginThrottle::Clock::now();
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(fail(throttle, "user" + std::to_string(i), "10.0.0.1", t0));
    }
    EXPECT_EQ(throttle.admit("someone-else", "10.0.0.1", t0), 60s);
    EXPECT_FALSE(throttle.admit("someone-else", "10.0.0.2", t0));
}

TEST(LoginThrottle, ASuccessClearsItsNameButNotItsAddress) {
    LoginThrottle throttle(kSettings);
    const auto t0 = LoginThrottle::Clock::now();
    ASSERT_TRUE(fail(throttle, "olga", "10.0.0.1", t0));
    ASSERT_TRUE(fail(throttle, "olga", "10.0.0.1", t0));
    ASSERT_FALSE(throttle.admit("olga", "10.0.0.1", t0));
    throttle.succeeded("olga", "10.0.0.1");
    // The name starts over: two more failures leave it open.
    ASSERT_TRUE(fail(throttle, "olga", "10.0.0.1", t0));
    ASSERT_TRUE(fail(throttle, "olga", "10.0.0.1", t0));
    // The address kept its count: 4 failures, the fifth locks it.
    ASSERT_TRUE(fail(throttle, "otto", "10.0.0.1", t0));
    EXPECT_TRUE(throttle.admit("vera", "10.0.0.1", t0));
}

TEST(LoginThrottle, ForgetsFailuresAfterAQuietWindow) {
    LoginThrottle throttle(kSettings);
    const auto t0 = LoginThrottle::Clock::now();
    ASSERT_TRUE(fail(throttle, "olga", "a", t0));
    ASSERT_TRUE(fail(throttle, "olga", "a", t0));
    ASSERT_TRUE(fail(throttle, "olga", "a", t0 + 900s));
    ASSERT_TRUE(fail(throttle, "olga", "a", t0 + 900s));
    EXPECT_FALSE(throttle.admit("olga", "a", t0 + 900s)) << "two failures since the quiet window";
}

TEST(LoginThrottle, AttemptsInFlightCountSoParallelGuessesCannotOvershoot) {
    LoginThrottle throttle(kSettings);
    const auto t0 = LoginThrottle::Clock::now();
    int admitted = 0;
    for (int i = 0; i < 40; ++i) {
        admitted += throttle.admit("olga", "a" + std::to_string(i), t0) ? 0 : 1;
    }
    EXPECT_EQ(admitted, 3);
    EXPECT_EQ(throttle.admit("olga", "z", t0), 1s) << "retry once the attempts are judged";
    for (int i = 0; i < 3; ++i) {
        throttle.abandoned("olga", "a" + std::to_string(i));
    }
    EXPECT_FALSE(throttle.admit("olga", "z", t0)) << "abandoned attempts count neither way";
}

TEST(LoginThrottle, KeepsAtMostItsBoundOfKeys) {
    LoginThrottle throttle(kSettings, 100);
    const auto t0 = LoginThrottle::Clock::now();
    ASSERT_TRUE(fail(throttle, "victim", "a", t0));
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(fail(throttle, "name" + std::to_string(i), "b" + std::to_string(i),
                         t0 + std::chrono::milliseconds(i + 1)));
    }
    // The oldest key went first: the victim's single failure is forgotten, nothing crashed and
    // the table did not grow past its bound (observable only as the eviction).
    ASSERT_TRUE(fail(throttle, "victim", "c", t0 + 2s));
    ASSERT_TRUE(fail(throttle, "victim", "c", t0 + 2s));
    EXPECT_FALSE(throttle.admit("victim", "c", t0 + 2s));
}

}  // namespace
