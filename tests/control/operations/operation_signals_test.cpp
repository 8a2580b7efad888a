// OperationSignals with several control planes (docs/ha.md): what it passes on to the others,
// what it takes from them, and the parked pulls' re-check timer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/operations/operation_signals.hpp"

namespace vergegrid::control {
namespace {

using namespace std::chrono_literals;

class Relayed {
  public:
    void operator()(const std::string& simulator_id) {
        const std::lock_guard lock(mutex_);
        ids_.push_back(simulator_id);
    }
    std::vector<std::string> ids() {
        const std::lock_guard lock(mutex_);
        return ids_;
    }

  private:
    std::mutex mutex_;
    std::vector<std::string> ids_;
};

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds within = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) {
            return true;
        }
        std::this_thread::sleep_for(5ms);
    }
    return predicate();
}

TEST(OperationSignals, ItsOwnNotificationsAndDueLazyOperationsArePassedOnTheOthersAreNot) {
    OperationSignals signals(nullptr);
    auto relayed = std::make_shared<Relayed>();
    signals.set_relay([relayed](const std::string& id) { (*relayed)(id); });
    signals.notify("sim-a", "");
    signals.notify_at("sim-b", OperationSignals::Clock::now() + 20ms);
    signals.wake("sim-c");  // another control plane's news: not sent back
    signals.wake_all();
    ASSERT_TRUE(eventually([&] { return relayed->ids().size() == 2; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(relayed->ids(), (std::vector<std::string>{"sim-a", "sim-b"}));
}

TEST(OperationSignals, AnotherControlPlanesNewsWakesThatSimulatorsPullsOnly) {
    OperationSignals signals(nullptr);
    std::atomic<int> woken_a{0};
    std::atomic<int> woken_b{0};
    signals.subscribe("sim-a", signals.generation("sim-a"), [&] { ++woken_a; });
    signals.subscribe("sim-b", signals.generation("sim-b"), [&] { ++woken_b; });
    signals.wake("sim-a");
    signals.wake("sim-nobody-waits-for");
    EXPECT_EQ(woken_a.load(), 1);
    EXPECT_EQ(woken_b.load(), 0);
    // A gap in the news: everyone parked looks again.
    signals.subscribe("sim-a", signals.generation("sim-a"), [&] { ++woken_a; });
    signals.wake_all();
    EXPECT_EQ(woken_a.load(), 2);
    EXPECT_EQ(woken_b.load(), 1);
}

TEST(OperationSignals, AParkedPullLooksAgainOnTheRecheckTimerAndOnlyWhenSet) {
    OperationSignals signals(nullptr);
    std::atomic<int> woken{0};
    signals.subscribe("sim-a", signals.generation("sim-a"), [&] { ++woken; });
    std::this_thread::sleep_for(150ms);
    EXPECT_EQ(woken.load(), 0) << "no re-check without a timer";
    signals.wake("sim-a");
    ASSERT_EQ(woken.load(), 1);

    signals.set_recheck(50ms);
    auto relayed = std::make_shared<Relayed>();
    signals.set_relay([relayed](const std::string& id) { (*relayed)(id); });
    const auto parked_at = std::chrono::steady_clock::now();
    signals.subscribe("sim-a", signals.generation("sim-a"), [&] { ++woken; });
    ASSERT_TRUE(eventually([&] { return woken.load() == 2; }));
    EXPECT_GE(std::chrono::steady_clock::now() - parked_at, 45ms);
    EXPECT_TRUE(relayed->ids().empty()) << "a re-check is nobody's news";
}

TEST(OperationSignals, ManyPollsOfOneSimulatorShareOneRecheck) {
    OperationSignals signals(nullptr);
    signals.set_recheck(400ms);
    std::atomic<int> woken{0};
    const auto start = std::chrono::steady_clock::now();
    const auto seen = signals.generation("sim-a");
    for (int i = 0; i < 3; ++i) {  // parked at 0, 150 and 300 ms
        std::this_thread::sleep_until(start + i * 150ms);
        signals.subscribe("sim-a", seen, [&] { ++woken; });
    }
    ASSERT_TRUE(eventually([&] { return woken.load() == 3; }));  // the first's timer, at 400 ms
    // A poll parked again now gets a timer of its own 400 ms on, not the 550 ms left over from
    // the second poll: that one was never set.
    signals.subscribe("sim-a", signals.generation("sim-a"), [&] { ++woken; });
    std::this_thread::sleep_until(start + 650ms);
    EXPECT_EQ(woken.load(), 3);
    EXPECT_TRUE(eventually([&] { return woken.load() == 4; }));
}

}  // namespace
}  // namespace vergegrid::control
