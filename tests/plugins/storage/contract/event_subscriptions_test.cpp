// ABI 1.10: EventSubscriptions on every backend (schema 11's event_subscriptions and
// event_deliveries): saved and replaced whole, cursors that only move forward, the delivery log
// newest first, and its pruning that keeps dead letters.
#include <gmock/gmock.h>

#include <vector>

#include "event_stores.hpp"
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;

api::EventSubscription subscription(const std::string& id, const std::string& sink,
                                    const std::string& created_at, std::int64_t cursor) {
    return {id,
            sink,
            "Ops hook ✓ " + id,
            R"({"url":"https://hooks.example/)" + id + R"(","secret":"s3cr3t"})",
            R"(["org.vergegrid.region.*"])",
            R"([")" + uuid(7) + R"("])",
            "active",
            cursor,
            created_at,
            "2026-12-05T09:00:00.000Z"};
}

api::EventDelivery delivery(const std::string& subscription_id, std::int64_t seq,
                            const std::string& state, const std::string& at) {
    return {0,
            subscription_id,
            seq,
            uuid(1000 + static_cast<int>(seq)),
            "org.vergegrid.region.created",
            at,
            state,
            static_cast<int>(seq % 3) + 1,
            state == "delivered" ? 204 : 503,
            120 + static_cast<int>(seq),
            state == "delivered" ? "" : "503 Service Unavailable: «busy»"};
}

std::vector<std::string> ids_of(const std::vector<api::EventSubscription>& subscriptions) {
    std::vector<std::string> ids;
    for (const auto& s : subscriptions) {
        ids.push_back(s.id);
    }
    return ids;
}

std::vector<std::int64_t> seqs_of(const std::vector<api::EventDelivery>& deliveries) {
    std::vector<std::int64_t> seqs;
    for (const auto& d : deliveries) {
        seqs.push_back(d.event_seq);
    }
    return seqs;
}

TEST_P(StorageContract, SubscriptionsAreSavedReplacedFoundAndListedByCreationThenId) {
    const auto b = subscription("b", "webhook", "2026-12-05T08:00:00.000Z", 0);
    const auto a = subscription("a", "webhook", "2026-12-05T08:00:00.000Z", 3);
    const auto nats = subscription("sink:nats", "nats", "2026-12-01T00:00:00.000Z", 0);
    const auto c = subscription("c", "webhook", "2026-12-04T00:00:00.000Z", 0);
    {
        auto tx = write();
        for (const auto& s : {b, a, nats, c}) {
            subscriptions(*tx).save_subscription(s);
        }
        tx->commit();
    }
    auto changed = a;
    changed.sink = "webhook";
    changed.name = "renamed";
    changed.target = R"({"url":"https://other.example/","secret":"new"})";
    changed.types = "[]";
    changed.subjects = "";
    changed.state = "paused";
    changed.cursor = 9;
    changed.updated_at = "2026-12-05T10:00:00.000Z";
    {
        auto tx = write();
        subscriptions(*tx).save_subscription(changed);
        tx->commit();
    }
    auto tx = read();
    auto& store = subscriptions(*tx);
    EXPECT_EQ(dump(store.find_subscription("a").value()), dump(changed));
    EXPECT_EQ(dump(store.find_subscription("sink:nats").value()), dump(nats));
    EXPECT_FALSE(store.find_subscription("nope").has_value());
    EXPECT_THAT(ids_of(store.list_subscriptions("")),
                ::testing::ElementsAre("sink:nats", "c", "a", "b"));
    EXPECT_THAT(ids_of(store.list_subscriptions("webhook")), ::testing::ElementsAre("c", "a", "b"));
    EXPECT_THAT(ids_of(store.list_subscriptions("nats")), ::testing::ElementsAre("sink:nats"));
    EXPECT_TRUE(store.list_subscriptions("kafka").empty());
    tx.reset();
    auto writing = write();
    EXPECT_THROW(subscriptions(*writing).save_subscription(subscription("", "webhook", "t", 0)),
                 api::StorageError);
}

TEST_P(StorageContract, ASubscriptionCursorOnlyMovesForward) {
    {
        auto tx = write();
        subscriptions(*tx).save_subscription(subscription("a", "webhook", "t", 5));
        tx->commit();
    }
    auto tx = write();
    auto& store = subscriptions(*tx);
    store.advance_subscription("a", 3);
    EXPECT_EQ(store.find_subscription("a")->cursor, 5);
    store.advance_subscription("a", 5);
    EXPECT_EQ(store.find_subscription("a")->cursor, 5);
    store.advance_subscription("a", 8);
    EXPECT_EQ(store.find_subscription("a")->cursor, 8);
    EXPECT_EQ(store.find_subscription("a")->updated_at, "2026-12-05T09:00:00.000Z");
    EXPECT_NO_THROW(store.advance_subscription("gone", 10));
    EXPECT_FALSE(store.find_subscription("gone").has_value());
    tx->commit();
    EXPECT_EQ(subscriptions(*read()).find_subscription("a")->cursor, 8);
}

TEST_P(StorageContract, TheLowestCursorIsTheSlowestSubscriptionsOrTheFallback) {
    {
        auto tx = read();
        EXPECT_EQ(subscriptions(*tx).lowest_subscription_cursor(42), 42);
    }
    {
        auto tx = write();
        subscriptions(*tx).save_subscription(subscription("a", "webhook", "t", 7));
        subscriptions(*tx).save_subscription(subscription("b", "webhook", "t", 3));
        auto paused = subscription("c", "nats", "t", 12);
        paused.state = "paused";
        subscriptions(*tx).save_subscription(paused);
        tx->commit();
    }
    {
        auto tx = read();
        EXPECT_EQ(subscriptions(*tx).lowest_subscription_cursor(42), 3);
    }
    {
        // Cursor 0 is a cursor like any other (a subscription that has nothing yet).
        auto tx = write();
        subscriptions(*tx).save_subscription(subscription("d", "webhook", "t", 0));
        EXPECT_EQ(subscriptions(*tx).lowest_subscription_cursor(42), 0);
    }
}

TEST_P(StorageContract, DeliveriesAreListedNewestFirstByStateBeforeAnIdAndLimited) {
    std::vector<api::EventDelivery> a;
    {
        auto tx = write();
        auto& store = subscriptions(*tx);
        store.save_subscription(subscription("a", "webhook", "t", 0));
        store.save_subscription(subscription("b", "webhook", "t", 0));
        std::int64_t previous = 0;
        const char* states[] = {"failed", "delivered", "dead", "failed", "delivered"};
        for (int seq = 1; seq <= 5; ++seq) {
            auto d = delivery("a", seq, states[seq - 1],
                              "2026-12-05T08:00:0" + std::to_string(seq) + ".000Z");
            d.id = 999;  // ignored
            d.id = store.append_delivery(d);
            EXPECT_GT(d.id, previous);
            previous = d.id;
            a.push_back(d);
            // Interleaved: b's deliveries never show in a's log.
            store.append_delivery(delivery("b", seq, "delivered", "2026-12-05T08:00:00.000Z"));
        }
        tx->commit();
    }
    auto tx = read();
    auto& store = subscriptions(*tx);
    const auto all = store.list_deliveries("a", "", 0, 10);
    ASSERT_EQ(all.size(), 5U);
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(dump(all[i]), dump(a[a.size() - 1 - i]));
    }
    EXPECT_THAT(seqs_of(store.list_deliveries("a", "", 0, 2)), ::testing::ElementsAre(5, 4));
    EXPECT_THAT(seqs_of(store.list_deliveries("a", "", a[3].id, 10)),
                ::testing::ElementsAre(3, 2, 1));
    EXPECT_THAT(seqs_of(store.list_deliveries("a", "", a[3].id, 2)), ::testing::ElementsAre(3, 2));
    EXPECT_THAT(seqs_of(store.list_deliveries("a", "failed", 0, 10)), ::testing::ElementsAre(4, 1));
    EXPECT_THAT(seqs_of(store.list_deliveries("a", "delivered", a[4].id, 10)),
                ::testing::ElementsAre(2));
    EXPECT_THAT(seqs_of(store.list_deliveries("a", "dead", 0, 10)), ::testing::ElementsAre(3));
    EXPECT_TRUE(store.list_deliveries("a", "", 0, 0).empty());
    EXPECT_TRUE(store.list_deliveries("nope", "", 0, 10).empty());
    EXPECT_EQ(store.list_deliveries("b", "", 0, 10).size(), 5U);
}

TEST_P(StorageContract, DeletingASubscriptionDeletesItsDeliveries) {
    {
        auto tx = write();
        auto& store = subscriptions(*tx);
        store.save_subscription(subscription("a", "webhook", "t", 0));
        store.save_subscription(subscription("b", "webhook", "t", 0));
        store.append_delivery(delivery("a", 1, "dead", "2026-12-05T08:00:00.000Z"));
        store.append_delivery(delivery("b", 1, "delivered", "2026-12-05T08:00:00.000Z"));
        tx->commit();
    }
    {
        auto tx = write();
        EXPECT_TRUE(subscriptions(*tx).delete_subscription("a"));
        EXPECT_FALSE(subscriptions(*tx).delete_subscription("a"));
        EXPECT_FALSE(subscriptions(*tx).delete_subscription("nope"));
        tx->commit();
    }
    auto tx = read();
    EXPECT_FALSE(subscriptions(*tx).find_subscription("a").has_value());
    EXPECT_TRUE(subscriptions(*tx).list_deliveries("a", "", 0, 10).empty());
    EXPECT_EQ(subscriptions(*tx).list_deliveries("b", "", 0, 10).size(), 1U);
    EXPECT_THAT(ids_of(subscriptions(*tx).list_subscriptions("")), ::testing::ElementsAre("b"));
}

TEST_P(StorageContract, PruningDeliveriesKeepsDeadLettersAndNewerAttempts) {
    {
        auto tx = write();
        auto& store = subscriptions(*tx);
        store.save_subscription(subscription("a", "webhook", "t", 0));
        store.append_delivery(delivery("a", 1, "delivered", "2026-12-01T00:00:00.000Z"));
        store.append_delivery(delivery("a", 2, "failed", "2026-12-02T00:00:00.000Z"));
        store.append_delivery(delivery("a", 3, "dead", "2026-12-02T00:00:01.000Z"));
        store.append_delivery(delivery("a", 4, "delivered", "2026-12-03T00:00:00.000Z"));
        store.append_delivery(delivery("a", 5, "failed", "2026-12-03T00:00:00.000Z"));
        tx->commit();
    }
    {
        auto tx = write();
        EXPECT_EQ(subscriptions(*tx).delete_deliveries_before("2026-12-03T00:00:00.000Z"), 2);
        EXPECT_EQ(subscriptions(*tx).delete_deliveries_before("2026-12-03T00:00:00.000Z"), 0);
        tx->commit();
    }
    auto tx = read();
    EXPECT_THAT(seqs_of(subscriptions(*tx).list_deliveries("a", "", 0, 10)),
                ::testing::ElementsAre(5, 4, 3));
}

}  // namespace
}  // namespace vergegrid::test::storage
