// The timestamps and ids the control plane stamps on records.
#include "control/common/clock.hpp"

#include <gtest/gtest.h>

#include <Poco/Timestamp.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace vergegrid::control {
namespace {

// First of its suite, which runs in one process: the tests after it make 13,000 values faster
// than one a millisecond, and so run the clock they share 13 s ahead, as they should.
TEST(CreationTime, StaysCloseToTheClock) {
    // It runs ahead of the clock only by the records made faster than one a millisecond.
    const std::string now = now_iso8601();
    const std::string made = creation_time_iso8601();
    EXPECT_LE(seconds_between(now, made), 10);
    EXPECT_GE(seconds_between(now, made), 0);
}

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

// RFC 9562 version 7 in canonical lower-case form: version nibble 7, variant bits 10.
TEST(NewUuid, IsAVersionSevenUuidWhoseTimeIsNow) {
    const auto before_ms = Poco::Timestamp().epochMicroseconds() / 1000;
    const std::string id = new_uuid();
    const auto after_ms = Poco::Timestamp().epochMicroseconds() / 1000;
    EXPECT_TRUE(std::regex_match(
        id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << id;
    const long long ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
    EXPECT_GE(ms, before_ms);
    // Ahead of the clock only by ids made faster than 4,096 a millisecond before it.
    EXPECT_LE(ms, after_ms + 1000);
}

// Indexes keyed by id take each new row at their right edge only if ids made later are greater;
// and many ids are made within one millisecond.
TEST(NewUuid, EveryIdIsGreaterThanTheOneBeforeAndThreadsNeverShareOne) {
    constexpr int kThreads = 4;
    constexpr int kEach = 5000;
    std::vector<std::vector<std::string>> made(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&made, t] {
            for (int i = 0; i < kEach; ++i) {
                made[t].push_back(new_uuid());
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::string> all;
    for (const auto& ids : made) {
        for (std::size_t i = 1; i < ids.size(); ++i) {
            ASSERT_LT(ids[i - 1], ids[i]) << "id " << i;
        }
        all.insert(ids.begin(), ids.end());
    }
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

// The last 62 bits are random: two ids of the same millisecond and counter would still differ,
// and they are not a sequence.
TEST(NewUuid, TheTailIsRandom) {
    std::set<std::string> tails;
    for (int i = 0; i < 1000; ++i) {
        tails.insert(new_uuid().substr(19));
    }
    EXPECT_EQ(tails.size(), 1000U);
    std::set<char> first_digits;
    for (const auto& tail : tails) {
        first_digits.insert(tail[5]);
    }
    EXPECT_GT(first_digits.size(), 10U) << "one hex digit of 1,000 random tails takes most values";
}

}  // namespace
}  // namespace vergegrid::control
