// The timestamps the control plane stamps on records.
#include "control/common/clock.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace vergegrid::control {
namespace {

// Lists of migrations, batches and snapshots show the newest first by created_at: records made
// within one millisecond (a fast API, several threads) must still sort in the order they were
// made, not in their random ids' order.
TEST(CreationTime, EveryValueIsLaterThanTheOneBeforeEvenWithinAMillisecond) {
    std::string before = creation_time_iso8601();
    for (int i = 0; i < 5000; ++i) {
        const std::string next = creation_time_iso8601();
        ASSERT_LT(before, next) << "call " << i;
        ASSERT_EQ(next.size(), before.size());
        before = next;
    }
}

TEST(CreationTime, ThreadsNeverGetTheSameValue) {
    constexpr int kThreads = 4;
    constexpr int kEach = 2000;
    std::vector<std::vector<std::string>> made(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&made, t] {
            for (int i = 0; i < kEach; ++i) {
                made[t].push_back(creation_time_iso8601());
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::vector<std::string> all;
    for (const auto& values : made) {
        all.insert(all.end(), values.begin(), values.end());
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

TEST(CreationTime, StaysCloseToTheClock) {
    // It runs ahead of the clock only by the records made faster than one a millisecond.
    const std::string now = now_iso8601();
    const std::string made = creation_time_iso8601();
    EXPECT_LE(seconds_between(now, made), 10);
    EXPECT_GE(seconds_between(now, made), 0);
}

}  // namespace
}  // namespace vergegrid::control
