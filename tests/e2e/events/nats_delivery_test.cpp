// The nats sink beside a webhook against a real vergegrid-control: a throwaway nats-server -js
// stores the same events, byte for byte, under vergegrid.<type>.<subject> with the event id as
// the message id (docs/events.md, "NATS").
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/e2e/events/event_receiver.hpp"
#include "tests/e2e/events/event_stack.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats_delivery_test {
namespace {

using nlohmann::json;
using vergegrid::test::EventControlPlane;
using vergegrid::test::EventReceiver;
using vergegrid::test::eventually;
using vergegrid::test::outbox;
using vergegrid::test::subscription;
using namespace std::chrono_literals;

TEST(EventBus, NatsJetStreamGetsTheSameEvents) {
    vergegrid::test::TempDir store;
    const auto nats_port = vergegrid::test::unclaimed_listen_port();
    vergegrid::test::NatsServer nats(nats_port, store.path());
    const std::string nats_url = "nats://127.0.0.1:" + std::to_string(nats_port);
    EventReceiver receiver;
    EventControlPlane control(
        "[events]\nsinks = webhook,nats\ncheckpoint_interval_s = 0\n[event_sink.nats]\nurl = " +
        nats_url + "\n");
    const auto& api = control.api();
    const auto sink = subscription(api, "sink:nats");
    ASSERT_FALSE(sink.is_null()) << "the configured sink has its subscription";
    const std::int64_t nats_cursor = sink.at("cursor");
    const auto webhook =
        vergegrid::test::create_webhook(api, receiver.url(), "nats-e2e-secret-0123");
    const std::string webhook_id = webhook.at("id");

    const auto estate = vergegrid::test::create_estate(api, "Streamed");
    std::vector<std::string> regions;
    for (int n = 0; n < 5; ++n) {
        regions.push_back(vergegrid::test::create_region(api, estate, n).at("id"));
    }
    vergegrid::test::update_region(api, regions.at(0), 30.5);

    const auto committed = outbox(api, nats_cursor);
    const auto head = committed.back().seq;
    ASSERT_TRUE(eventually(
        [&] {
            return subscription(api, "sink:nats").at("cursor") >= head &&
                   subscription(api, webhook_id).at("cursor") >= head;
        },
        30s))
        << control.output();

    std::map<std::string, std::string> webhook_bodies;  // event id -> body
    for (const auto& request : receiver.delivered()) {
        webhook_bodies[request.header("x-vergegrid-event-id")] = request.body;
    }

    vergegrid::test::StreamReader reader(nats_url);
    const auto stored = reader.read("VERGEGRID", "vergegrid.>", committed.size() + 5);
    ASSERT_EQ(stored.size(), committed.size()) << "each event stored once";
    std::set<std::string> nats_ids_webhook_saw;
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const auto& message = stored[i];
        const auto& item = committed[i];
        EXPECT_EQ(message.msg_id, item.id()) << "stream order is outbox order";
        EXPECT_EQ(message.subject, "vergegrid." + item.type() + "." + item.subject());
        EXPECT_EQ(json::parse(message.data), item.event);
        if (item.seq > webhook.at("cursor").get<std::int64_t>()) {
            nats_ids_webhook_saw.insert(message.msg_id);
            ASSERT_TRUE(webhook_bodies.count(message.msg_id))
                << "the webhook got " << message.msg_id;
            EXPECT_EQ(webhook_bodies.at(message.msg_id), message.data)
                << "the same bytes on both sinks";
        }
    }
    std::set<std::string> webhook_ids;
    for (const auto& [id, body] : webhook_bodies) {
        webhook_ids.insert(id);
    }
    EXPECT_EQ(webhook_ids, nats_ids_webhook_saw) << "the same event ids on both sinks";
    EXPECT_GE(webhook_ids.size(), 7u) << "estate, five regions and an update";
}

}  // namespace
}  // namespace nats_delivery_test
