// The background jobs' thread: ticks at once and then on its interval or when woken, and a
// destruction never waits for the interval to run out.
#include "control/common/periodic_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using namespace std::chrono_literals;
using vergegrid::control::PeriodicThread;

TEST(PeriodicThread, TicksAtOnceAndThenOnItsInterval) {
    std::atomic<int> ticks{0};
    {
        PeriodicThread thread(20ms, [&] { ++ticks; });
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (ticks < 3 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(5ms);
        }
    }
    EXPECT_GE(ticks.load(), 3);
}

TEST(PeriodicThread, StopsWithoutWaitingForTheNextTick) {
    std::atomic<int> ticks{0};
    const auto started = std::chrono::steady_clock::now();
    {
        PeriodicThread thread(1h, [&] { ++ticks; });
        while (ticks == 0) {
            std::this_thread::sleep_for(1ms);
        }
    }
    EXPECT_EQ(ticks.load(), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 30min);
}

TEST(PeriodicThread, AWakeRunsATickWithoutWaitingForTheInterval) {
    std::atomic<int> ticks{0};
    {
        PeriodicThread thread(1h, [&] { ++ticks; });
        while (ticks == 0) {
            std::this_thread::sleep_for(1ms);
        }
        thread.wake();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (ticks < 2 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(1ms);
        }
        EXPECT_EQ(ticks.load(), 2);
    }
}

}  // namespace
