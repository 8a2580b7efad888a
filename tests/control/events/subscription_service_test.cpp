// Webhooks as commands: checked through their sink (errors name the field), audited without
// their secret, started at the outbox's end, bounded in number; the configured sinks' own
// subscriptions; delivery logs.
#include "control/events/subscription_service.hpp"

#include "control/events/event_filter.hpp"

#include <gtest/gtest.h>

#include "tests/control/events/event_bus_fixture.hpp"

namespace vergegrid::test {
namespace {

using control::DomainError;
using control::SubscriptionService;

class Subscriptions : public EventBusFixture {
  protected:
    SubscriptionService service(int max_webhooks = 100) {
        return SubscriptionService(events_store(), sinks, {max_webhooks, std::chrono::seconds(2)},
                                   [this] { ++changed; });
    }

    static nlohmann::json body() {
        return {{"url", "https://hooks.example.org/in"},
                {"secret", "0123456789abcdef0123"},
                {"name", "billing"},
                {"types", {"org.vergegrid.region.*"}}};
    }

    static DomainError error_of(const std::function<void()>& call) {
        try {
            call();
        } catch (const DomainError& e) {
            return e;
        }
        ADD_FAILURE() << "no DomainError";
        return DomainError::not_found("none");
    }

    std::shared_ptr<RecordingSink> webhook = std::make_shared<RecordingSink>();
    control::EventSinks sinks{{"webhook", webhook}};
    int changed = 0;
};

TEST_F(Subscriptions, AWebhookStartsAtTheOutboxsEndAndIsAuditedWithoutItsSecret) {
    change("before");
    auto webhooks = service();
    const auto created = webhooks.create_webhook(actor(), body());
    EXPECT_EQ(created.sink, "webhook");
    EXPECT_EQ(created.state, "active");
    EXPECT_EQ(created.cursor, 1) << "it gets what happens from now on";
    EXPECT_EQ(changed, 1) << "the dispatcher is told";
    const auto shown = control::webhook_to_json(created, 3);
    EXPECT_EQ(shown.at("url"), "https://hooks.example.org/in");
    EXPECT_EQ(shown.at("lag"), 2);
    EXPECT_EQ(shown.at("types"), nlohmann::json({"org.vergegrid.region.*"}));
    EXPECT_EQ(shown.dump().find("0123456789abcdef0123"), std::string::npos);
    const auto rows = audit("webhook.create");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].after.find("0123456789abcdef0123"), std::string::npos);
    EXPECT_NE(rows[0].after.find("hooks.example.org"), std::string::npos);
    EXPECT_EQ(outbox().size(), 1u) << "webhook changes are not published";
}

TEST_F(Subscriptions, BadInputNamesTheField) {
    auto webhooks = service();
    auto no_url = body();
    no_url.erase("url");
    EXPECT_EQ(error_of([&] { webhooks.create_webhook(actor(), no_url); }).field(), "url");
    auto plain = body();
    plain["url"] = "http://x";
    EXPECT_EQ(error_of([&] { webhooks.create_webhook(actor(), plain); }).field(), "url")
        << "the sink's own check";
    auto short_secret = body();
    short_secret["secret"] = "short";
    EXPECT_EQ(error_of([&] { webhooks.create_webhook(actor(), short_secret); }).field(), "secret");
    auto bad_types = body();
    bad_types["types"] = "org.vergegrid.*";
    EXPECT_EQ(error_of([&] { webhooks.create_webhook(actor(), bad_types); }).field(), "types");
    auto extra = body();
    extra["colour"] = "red";
    EXPECT_EQ(error_of([&] { webhooks.create_webhook(actor(), extra); }).code(), "unknown_field");
    EXPECT_TRUE(webhooks.webhooks().empty());
    const auto created = webhooks.create_webhook(actor(), body());
    EXPECT_EQ(error_of([&] {
                  webhooks.update_webhook(actor(), created.id, {{"state", "sleeping"}});
              }).field(),
              "state");
}

TEST_F(Subscriptions, UpdatesKeepTheSecretUnlessGivenAndPauseResume) {
    auto webhooks = service();
    const auto created = webhooks.create_webhook(actor(), body());
    const auto paused =
        webhooks.update_webhook(actor(), created.id, {{"state", "paused"}, {"subjects", {"r-1"}}});
    EXPECT_EQ(paused.state, "paused");
    EXPECT_EQ(control::filter_list_from_text(paused.subjects), std::vector<std::string>{"r-1"});
    EXPECT_EQ(nlohmann::json::parse(paused.target).at("secret"), "0123456789abcdef0123");
    const auto moved = webhooks.update_webhook(
        actor(), created.id,
        {{"url", "https://elsewhere.example.org/"}, {"secret", "another-secret-0000"}});
    const auto target = nlohmann::json::parse(moved.target);
    EXPECT_EQ(target.at("url"), "https://elsewhere.example.org/");
    EXPECT_EQ(target.at("secret"), "another-secret-0000");
    EXPECT_EQ(audit("webhook.update").size(), 2u);
}

TEST_F(Subscriptions, DeleteAndUnknownIds) {
    auto webhooks = service();
    const auto created = webhooks.create_webhook(actor(), body());
    webhooks.delete_webhook(actor(), created.id);
    EXPECT_TRUE(webhooks.webhooks().empty());
    EXPECT_EQ(error_of([&] { webhooks.webhook(created.id); }).fault(), control::Fault::not_found);
    EXPECT_EQ(error_of([&] { webhooks.delete_webhook(actor(), created.id); }).fault(),
              control::Fault::not_found);
    EXPECT_EQ(error_of([&] { webhooks.deliveries("nope", {}); }).fault(),
              control::Fault::not_found);
}

TEST_F(Subscriptions, TheNumberOfWebhooksIsBounded) {
    auto webhooks = service(2);
    webhooks.create_webhook(actor(), body());
    webhooks.create_webhook(actor(), body());
    const auto refused = error_of([&] { webhooks.create_webhook(actor(), body()); });
    EXPECT_EQ(refused.code(), "too_many_webhooks");
    EXPECT_EQ(webhooks.webhooks().size(), 2u);
}

TEST_F(Subscriptions, WithoutAWebhookSinkWebhooksAreUnavailable) {
    sinks.clear();
    const auto refused = error_of([&] { service().create_webhook(actor(), body()); });
    EXPECT_EQ(refused.fault(), control::Fault::unavailable);
    EXPECT_EQ(refused.code(), "sink_unavailable");
}

TEST_F(Subscriptions, ATestDeliveryGoesThroughTheSinkOutsideTheOutbox) {
    SubscriptionService webhooks(events_store(), sinks,
                                 {100, std::chrono::seconds(2), "https://grid.example.org"},
                                 [this] { ++changed; });
    const auto created = webhooks.create_webhook(actor(), body());
    const auto attempt = webhooks.test_webhook(created.id);
    EXPECT_TRUE(attempt.delivered);
    const auto got = webhook->received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].event.type, "org.vergegrid.webhook.test");
    const auto document = nlohmann::json::parse(got[0].event.document);
    EXPECT_EQ(document.at("data").at("webhook_id"), created.id);
    EXPECT_EQ(document.at("source"), "https://grid.example.org") << "events.source, as every event";
    EXPECT_TRUE(outbox().empty());
}

TEST_F(Subscriptions, AConfiguredSinkGetsOneSubscriptionOnce) {
    auto nats = std::make_shared<RecordingSink>();
    nats->configured = true;
    sinks["nats"] = nats;
    change("before");
    service().ensure_configured_subscriptions();
    service().ensure_configured_subscriptions();
    const auto all = service().subscriptions();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].id, "sink:nats");
    EXPECT_EQ(all[0].sink, "nats");
    EXPECT_EQ(all[0].cursor, 1);
    EXPECT_TRUE(service().webhooks().empty());
}

TEST_F(Subscriptions, DeliveryLogsAreCheckedByState) {
    auto webhooks = service();
    const auto created = webhooks.create_webhook(actor(), body());
    EXPECT_EQ(error_of([&] { webhooks.deliveries(created.id, {"lost", 0, 10}); }).field(), "state");
    EXPECT_TRUE(webhooks.deliveries(created.id, {"dead", 0, 10}).empty());
}

}  // namespace
}  // namespace vergegrid::test
