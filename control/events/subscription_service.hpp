// Where events go: webhooks made through the API, and the one subscription of each sink that is
// configured in the INI file (NATS). Every change is a command (audited, one transaction); the
// dispatcher is told at once so that a new webhook gets its first event without waiting for its
// next look.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/events/event_sinks.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::control {

struct SubscriptionSettings {
    int max_webhooks = 100;
    std::chrono::milliseconds delivery_timeout{10000};
    std::string source = "/vergegrid";  // events.source: the test event's, as every event's
};

struct DeliveryQuery {
    std::string state;  // "" any, delivered, failed, dead
    std::int64_t before_id = 0;
    int limit = 100;
};

class SubscriptionService {
  public:
    // `changed` runs after a committed change of a subscription (wakes the dispatcher).
    SubscriptionService(Store store, EventSinks sinks, SubscriptionSettings settings,
                        std::function<void()> changed);

    // Body {url, secret, name?, types?, subjects?}. Throws DomainError invalid_field naming the
    // field; unavailable when no webhook sink is loaded; conflict when events.max_webhooks exist.
    // A new webhook starts at the outbox's current end: it gets what happens from now on.
    plugin_api::EventSubscription create_webhook(const Actor& actor, const nlohmann::json& body);
    // Any of url, secret, name, types, subjects, state (active, paused).
    plugin_api::EventSubscription update_webhook(const Actor& actor, const std::string& id,
                                                 const nlohmann::json& body);
    void delete_webhook(const Actor& actor, const std::string& id);
    plugin_api::EventSubscription webhook(const std::string& id) const;
    std::vector<plugin_api::EventSubscription> webhooks() const;
    // Sends one org.vergegrid.webhook.test event now, outside the outbox and the log.
    plugin_api::SinkAttempt test_webhook(const std::string& id) const;

    // Every subscription, whatever its sink.
    std::vector<plugin_api::EventSubscription> subscriptions() const;
    // not_found for an unknown subscription. At most limit + 1 rows (the extra one: more).
    std::vector<plugin_api::EventDelivery> deliveries(const std::string& id,
                                                      const DeliveryQuery& query) const;
    // The outbox's newest seq: a subscription's lag is this minus its cursor.
    std::int64_t last_seq() const;

    // At start-up: the subscription of each loaded sink that is one configured destination,
    // made (starting at the outbox's current end) when missing.
    void ensure_configured_subscriptions();

  private:
    plugin_api::EventSink& webhook_sink() const;
    plugin_api::EventSubscription find(plugin_api::StorageTransaction& tx,
                                       const std::string& id) const;

    Store store_;
    EventSinks sinks_;
    SubscriptionSettings settings_;
    std::function<void()> changed_;
};

// A webhook as the API shows it: never its secret.
nlohmann::json webhook_to_json(const plugin_api::EventSubscription& subscription,
                               std::int64_t last_seq);
nlohmann::json subscription_to_json(const plugin_api::EventSubscription& subscription,
                                    std::int64_t last_seq);
nlohmann::json delivery_to_json(const plugin_api::EventDelivery& delivery);

}  // namespace vergegrid::control
