// The dispatcher over real storage and an in-process sink: every subscription gets its events in
// outbox order, at least once; failures are retried with back-off and become dead letters only
// after events.retry_for_s; a slow subscription never delays another; only the leader delivers.
#include "control/events/event_dispatcher.hpp"

#include <gtest/gtest.h>

#include "control/common/clock.hpp"
#include "tests/control/events/event_bus_fixture.hpp"

namespace vergegrid::test {
namespace {

using namespace std::chrono_literals;
using control::DispatchSettings;
using control::EventDispatcher;
using control::Leadership;

class Dispatcher : public EventBusFixture {
  protected:
    void subscribe(const std::string& id, const std::string& sink, const std::string& types = "",
                   const std::string& state = "active") {
        store().write([&](plugin_api::StorageTransaction& tx) {
            plugin_api::EventSubscription s;
            s.id = id;
            s.sink = sink;
            s.name = id;
            s.target = "{}";
            s.types = types;
            s.state = state;
            s.created_at = s.updated_at = control::now_iso8601();
            dynamic_cast<plugin_api::EventSubscriptions&>(tx).save_subscription(s);
        });
    }

    plugin_api::EventSubscription subscription(const std::string& id) {
        return *store().read([&](plugin_api::StorageTransaction& tx) {
            return dynamic_cast<plugin_api::EventSubscriptions&>(tx).find_subscription(id);
        });
    }

    std::vector<plugin_api::EventDelivery> deliveries(const std::string& id,
                                                      const std::string& state = "") {
        return store().read([&](plugin_api::StorageTransaction& tx) {
            return dynamic_cast<plugin_api::EventSubscriptions&>(tx).list_deliveries(id, state, 0,
                                                                                     1000);
        });
    }

    std::unique_ptr<EventDispatcher> dispatcher(std::shared_ptr<Leadership> leadership = nullptr) {
        DispatchSettings settings;
        settings.first_backoff = 50ms;
        settings.max_backoff = 200ms;
        settings.idle_look = 200ms;
        settings.retry_for = retry_for;
        return std::make_unique<EventDispatcher>(store(), sinks, signals_, std::move(leadership),
                                                 settings, quiet_log());
    }

    static std::vector<std::string> subjects(const std::vector<RecordingSink::Received>& got,
                                             const std::string& subscription) {
        std::vector<std::string> out;
        for (const auto& r : got) {
            if (r.subscription == subscription) {
                out.push_back(r.event.subject);
            }
        }
        return out;
    }

    template <typename Condition>
    static bool eventually(Condition condition, std::chrono::milliseconds timeout = 10s) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (condition()) {
                return true;
            }
            std::this_thread::sleep_for(20ms);
        }
        return condition();
    }

    std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
    control::EventSinks sinks{{"test", sink}};
    std::chrono::seconds retry_for{3600};
};

TEST_F(Dispatcher, EverySubscriptionGetsEveryEventInOutboxOrder) {
    subscribe("one", "test");
    subscribe("two", "test");
    const auto running = dispatcher();
    std::vector<std::string> expected;
    for (int i = 0; i < 30; ++i) {
        expected.push_back("e-" + std::to_string(i));
        change(expected.back());
    }
    ASSERT_TRUE(sink->wait_for(30, "one"));
    ASSERT_TRUE(sink->wait_for(30, "two"));
    EXPECT_EQ(subjects(sink->received(), "one"), expected);
    EXPECT_EQ(subjects(sink->received(), "two"), expected);
    EXPECT_TRUE(eventually([&] { return subscription("one").cursor == 30; }));
    EXPECT_TRUE(eventually([&] { return deliveries("one", "delivered").size() == 30; }));
    EXPECT_EQ(deliveries("one").front().attempt, 1);
}

TEST_F(Dispatcher, EventsTheFilterDoesNotWantMoveTheCursorWithoutADelivery) {
    subscribe("updates", "test", R"(["org.vergegrid.estate.updated"])");
    const auto running = dispatcher();
    change("a");
    change("a", "update");
    change("b");
    ASSERT_TRUE(sink->wait_for(1, "updates"));
    EXPECT_TRUE(eventually([&] { return subscription("updates").cursor == 3; }));
    const auto got = sink->received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].event.type, "org.vergegrid.estate.updated");
    EXPECT_EQ(deliveries("updates").size(), 1u);
}

TEST_F(Dispatcher, AFailingReceiverIsRetriedAndThenGetsEverythingInOrder) {
    subscribe("hook", "test");
    sink->failing = true;
    const auto running = dispatcher();
    for (int i = 0; i < 5; ++i) {
        change("e-" + std::to_string(i));
    }
    ASSERT_TRUE(eventually([&] { return sink->failures() >= 3; }));
    EXPECT_EQ(subscription("hook").cursor, 0) << "nothing is skipped while it fails";
    sink->failing = false;
    ASSERT_TRUE(sink->wait_for(5, "hook"));
    EXPECT_EQ(subjects(sink->received(), "hook"),
              (std::vector<std::string>{"e-0", "e-1", "e-2", "e-3", "e-4"}));
    const auto failed = deliveries("hook", "failed");
    ASSERT_GE(failed.size(), 3u);
    EXPECT_EQ(failed.back().event_seq, 1) << "the head of the line failed";
    EXPECT_EQ(failed.back().attempt, 1);
    EXPECT_GE(failed.front().attempt, 3) << "attempts are counted";
    EXPECT_EQ(failed.front().error, "HTTP 503");
    EXPECT_TRUE(eventually([&] { return deliveries("hook", "delivered").size() == 5; }));
    EXPECT_GT(deliveries("hook", "delivered").back().attempt, 1)
        << "the event that failed was delivered at a later attempt";
}

TEST_F(Dispatcher, AnEventStillFailingAfterRetryForIsADeadLetterAndTheCursorMovesOn) {
    retry_for = 1s;
    subscribe("hook", "test");
    sink->failing = true;
    const auto running = dispatcher();
    change("doomed");
    ASSERT_TRUE(eventually([&] { return !deliveries("hook", "dead").empty(); }));
    EXPECT_EQ(deliveries("hook", "dead").front().event_seq, 1);
    EXPECT_TRUE(eventually([&] { return subscription("hook").cursor == 1; }));
    sink->failing = false;
    change("next");
    ASSERT_TRUE(sink->wait_for(1, "hook"));
    EXPECT_EQ(subjects(sink->received(), "hook"), (std::vector<std::string>{"next"}));
}

TEST_F(Dispatcher, ASlowSubscriptionNeverDelaysAnother) {
    auto slow = std::make_shared<RecordingSink>();
    slow->delay = 1500ms;
    sinks["slow"] = slow;
    subscribe("slow", "slow");
    subscribe("fast", "test");
    const auto running = dispatcher();
    for (int i = 0; i < 5; ++i) {
        change("e-" + std::to_string(i));
    }
    ASSERT_TRUE(sink->wait_for(5, "fast", 3s)) << "all five while the slow one has one at most";
    EXPECT_LE(slow->received().size(), 1u);
}

TEST_F(Dispatcher, OnlyTheLeaderDelivers) {
    subscribe("hook", "test");
    const auto leadership = std::make_shared<Leadership>(false);
    const auto running = dispatcher(leadership);
    change("e-1");
    std::this_thread::sleep_for(800ms);
    EXPECT_TRUE(sink->received().empty());
    leadership->set(true);
    ASSERT_TRUE(sink->wait_for(1, "hook"));
    leadership->set(false);
    std::this_thread::sleep_for(600ms);  // the workers see it and end
    change("e-2");
    std::this_thread::sleep_for(800ms);
    EXPECT_EQ(sink->received().size(), 1u) << "a replica that lost the lead stops delivering";
}

TEST_F(Dispatcher, APausedSubscriptionWaitsAndResumesWhereItWas) {
    subscribe("hook", "test", "", "paused");
    const auto running = dispatcher();
    change("e-1");
    std::this_thread::sleep_for(600ms);
    EXPECT_TRUE(sink->received().empty());
    subscribe("hook", "test", "", "active");
    running->subscriptions_changed();
    ASSERT_TRUE(sink->wait_for(1, "hook"));
}

TEST_F(Dispatcher, ASubscriptionWhoseSinkIsNotLoadedKeepsItsEvents) {
    subscribe("elsewhere", "nats");
    const auto running = dispatcher();
    change("e-1");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(subscription("elsewhere").cursor, 0);
}

}  // namespace
}  // namespace vergegrid::test
