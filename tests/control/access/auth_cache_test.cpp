// The authenticated-caller cache: lifetime, revocation racing a lookup, its bound, and off.
#include "control/api/auth_cache.hpp"

#include <gtest/gtest.h>

namespace {

using vergegrid::control::AuthCache;
using vergegrid::kernel::http::Caller;
using namespace std::chrono_literals;

const Caller kOlga{"olga", "operator", "user-1", ""};

TEST(AuthCache, RemembersACallerForItsLifetimeOnly) {
    AuthCache cache(1000ms);
    const auto t0 = AuthCache::Clock::now();
    EXPECT_FALSE(cache.find("h1", t0));
    cache.remember("h1", kOlga, cache.generation(), t0);
    const auto hit = cache.find("h1", t0 + 999ms);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->subject, "olga");
    EXPECT_EQ(hit->role, "operator");
    EXPECT_EQ(hit->user_id, "user-1");
    EXPECT_FALSE(cache.find("h1", t0 + 1000ms));
    EXPECT_FALSE(cache.find("h2", t0));
}

TEST(AuthCache, ForgetAllDropsEveryCaller) {
    AuthCache cache(1000ms);
    const auto now = AuthCache::Clock::now();
    cache.remember("h1", kOlga, cache.generation(), now);
    cache.remember("h2", kOlga, cache.generation(), now);
    cache.forget_all();
    EXPECT_FALSE(cache.find("h1", now));
    EXPECT_FALSE(cache.find("h2", now));
}

TEST(AuthCache, ALookupThatARevocationOverlappedIsNotRemembered) {
    AuthCache cache(1000ms);
    const auto now = AuthCache::Clock::now();
    const auto before_lookup = cache.generation();
    cache.forget_all();  // a revocation commits while the storage lookup runs
    cache.remember("h1", kOlga, before_lookup, now);
    EXPECT_FALSE(cache.find("h1", now));
    cache.remember("h1", kOlga, cache.generation(), now);
    EXPECT_TRUE(cache.find("h1", now));
}

TEST(AuthCache, StaysWithinItsBound) {
    AuthCache cache(1000ms, 3);
    const auto now = AuthCache::Clock::now();
    cache.remember("old", kOlga, cache.generation(), now - 2s);  // already expired
    cache.remember("a", kOlga, cache.generation(), now);
    cache.remember("b", kOlga, cache.generation(), now);
    cache.remember("c", kOlga, cache.generation(), now);  // full: the expired one goes
    EXPECT_TRUE(cache.find("a", now));
    EXPECT_TRUE(cache.find("c", now));
    cache.remember("d", kOlga, cache.generation(), now);  // full of live ones: start over
    EXPECT_FALSE(cache.find("a", now));
    EXPECT_TRUE(cache.find("d", now));
}

TEST(AuthCache, ALifetimeOfZeroTurnsItOff) {
    AuthCache cache(0ms);
    const auto now = AuthCache::Clock::now();
    EXPECT_FALSE(cache.enabled());
    cache.remember("h1", kOlga, cache.generation(), now);
    EXPECT_FALSE(cache.find("h1", now));
}

}  // namespace
