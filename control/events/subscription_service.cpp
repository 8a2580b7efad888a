#include "control/events/subscription_service.hpp"

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "control/events/cloud_event.hpp"
#include "control/events/event_filter.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

using plugin_api::EventSubscription;
using plugin_api::StorageTransaction;

namespace {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxTargetField = 4096;

nlohmann::json stored_target(const std::string& text) {
    try {
        auto target = strict_json::parse(text);
        return target.is_object() ? target : nlohmann::json::object();
    } catch (const std::exception&) {
        return nlohmann::json::object();
    }
}

// What the audit log keeps of a webhook: never its secret.
nlohmann::json audited(const EventSubscription& s) {
    return {{"id", s.id},
            {"name", s.name},
            {"url", stored_target(s.target).value("url", "")},
            {"types", filter_list_from_text(s.types)},
            {"subjects", filter_list_from_text(s.subjects)},
            {"state", s.state}};
}

// Reads url and secret into the stored target, through the sink's own check.
void apply_target(plugin_api::EventSink& sink, EventSubscription& subscription, JsonReader& body,
                  bool creating) {
    auto target = stored_target(subscription.target);
    const auto url = body.string("url", kMaxTargetField);
    const auto secret = body.string("secret", kMaxTargetField);
    if (creating && !url) {
        throw DomainError::invalid_field("url", "is required");
    }
    if (creating && !secret) {
        throw DomainError::invalid_field("secret", "is required");
    }
    if (url) {
        target["url"] = *url;
    }
    if (secret) {
        target["secret"] = *secret;
    }
    try {
        subscription.target = sink.check_target(target.dump());
    } catch (const plugin_api::TargetError& e) {
        throw DomainError::invalid_field(e.field(), e.what());
    }
}

void apply_filters(EventSubscription& subscription, JsonReader& body) {
    if (const auto* types = body.raw("types")) {
        subscription.types = filter_list_text(checked_filter_list(*types, "types"));
    }
    if (const auto* subjects = body.raw("subjects")) {
        subscription.subjects = filter_list_text(checked_filter_list(*subjects, "subjects"));
    }
}

DomainEvent webhook_event(const std::string& verb, const EventSubscription* before,
                          const EventSubscription* after) {
    return {"webhook." + verb, "webhook", after ? after->id : before->id,
            before ? audited(*before) : nlohmann::json(nullptr),
            after ? audited(*after) : nlohmann::json(nullptr)};
}

}  // namespace

SubscriptionService::SubscriptionService(Store store, EventSinks sinks,
                                         SubscriptionSettings settings,
                                         std::function<void()> changed)
    : store_(store), sinks_(std::move(sinks)), settings_(settings), changed_(std::move(changed)) {}

plugin_api::EventSink& SubscriptionService::webhook_sink() const {
    const auto it = sinks_.find(kWebhookSink);
    if (it == sinks_.end()) {
        throw DomainError(Fault::unavailable, "sink_unavailable",
                          "no webhook event sink is loaded (events.sinks)");
    }
    return *it->second;
}

EventSubscription SubscriptionService::find(StorageTransaction& tx, const std::string& id) const {
    auto found = event_subscriptions(tx).find_subscription(id);
    if (!found || found->sink != kWebhookSink) {
        throw DomainError::not_found("no webhook '" + id + "'");
    }
    return *found;
}

EventSubscription SubscriptionService::create_webhook(const Actor& actor,
                                                      const nlohmann::json& body) {
    auto& sink = webhook_sink();
    JsonReader reader(body, "");
    EventSubscription subscription;
    subscription.id = new_uuid();
    subscription.sink = kWebhookSink;
    subscription.name = reader.name("name", kMaxName).value_or("");
    subscription.state = "active";
    apply_target(sink, subscription, reader, true);
    apply_filters(subscription, reader);
    reader.reject_unknown();
    auto created = store_.command(actor, [&](Changes& changes) {
        auto& subscriptions = event_subscriptions(changes.tx());
        if (static_cast<int>(subscriptions.list_subscriptions(kWebhookSink).size()) >=
            settings_.max_webhooks) {
            throw DomainError::conflict("too_many_webhooks",
                                        "the grid has events.max_webhooks webhooks already");
        }
        subscription.cursor = event_outbox(changes.tx()).last_event_seq();
        subscription.created_at = subscription.updated_at = now_iso8601();
        subscriptions.save_subscription(subscription);
        changes.record(webhook_event("create", nullptr, &subscription));
        changes.after_commit(changed_);
        return subscription;
    });
    return created.value;
}

EventSubscription SubscriptionService::update_webhook(const Actor& actor, const std::string& id,
                                                      const nlohmann::json& body) {
    auto& sink = webhook_sink();
    return store_
        .command(actor,
                 [&](Changes& changes) {
                     const auto before = find(changes.tx(), id);
                     auto after = before;
                     JsonReader reader(body, "");
                     if (const auto name = reader.name("name", kMaxName)) {
                         after.name = *name;
                     }
                     if (const auto state = reader.string("state", 16)) {
                         if (*state != "active" && *state != "paused") {
                             throw DomainError::invalid_field("state", "must be active or paused");
                         }
                         after.state = *state;
                     }
                     apply_target(sink, after, reader, false);
                     apply_filters(after, reader);
                     reader.reject_unknown();
                     after.updated_at = now_iso8601();
                     event_subscriptions(changes.tx()).save_subscription(after);
                     changes.record(webhook_event("update", &before, &after));
                     changes.after_commit(changed_);
                     return after;
                 })
        .value;
}

void SubscriptionService::delete_webhook(const Actor& actor, const std::string& id) {
    store_.command(actor, [&](Changes& changes) {
        const auto before = find(changes.tx(), id);
        event_subscriptions(changes.tx()).delete_subscription(id);
        changes.record(webhook_event("delete", &before, nullptr));
        changes.after_commit(changed_);
    });
}

EventSubscription SubscriptionService::webhook(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) { return find(tx, id); });
}

std::vector<EventSubscription> SubscriptionService::webhooks() const {
    return store_.read([&](StorageTransaction& tx) {
        return event_subscriptions(tx).list_subscriptions(kWebhookSink);
    });
}

std::vector<EventSubscription> SubscriptionService::subscriptions() const {
    return store_.read(
        [&](StorageTransaction& tx) { return event_subscriptions(tx).list_subscriptions(""); });
}

plugin_api::SinkAttempt SubscriptionService::test_webhook(const std::string& id) const {
    auto& sink = webhook_sink();
    const auto subscription = webhook(id);
    plugin_api::OutboxEvent event;
    event.id = new_uuid();
    event.type = std::string(kCloudEventTypePrefix) + "webhook.test";
    event.subject = subscription.id;
    event.time = now_iso8601();
    event.document = nlohmann::json{{"specversion", "1.0"},
                                    {"id", event.id},
                                    {"source", settings_.source},
                                    {"type", event.type},
                                    {"subject", event.subject},
                                    {"time", event.time},
                                    {"datacontenttype", "application/json"},
                                    {"data", {{"webhook_id", subscription.id}, {"test", true}}}}
                         .dump();
    const auto attempts = sink.deliver(
        {subscription.id, subscription.target, settings_.delivery_timeout.count()}, {event});
    if (attempts.empty()) {
        return {false, 0, 0, "the sink tried nothing"};
    }
    return attempts.front();
}

std::vector<plugin_api::EventDelivery> SubscriptionService::deliveries(
    const std::string& id, const DeliveryQuery& query) const {
    if (!query.state.empty() && query.state != "delivered" && query.state != "failed" &&
        query.state != "dead") {
        throw DomainError::invalid_field("state", "must be delivered, failed or dead");
    }
    return store_.read([&](StorageTransaction& tx) {
        auto& subscriptions = event_subscriptions(tx);
        if (!subscriptions.find_subscription(id)) {
            throw DomainError::not_found("no event subscription '" + id + "'");
        }
        return subscriptions.list_deliveries(id, query.state, query.before_id, query.limit + 1);
    });
}

std::int64_t SubscriptionService::last_seq() const {
    return store_.read([](StorageTransaction& tx) { return event_outbox(tx).last_event_seq(); });
}

void SubscriptionService::ensure_configured_subscriptions() {
    for (const auto& [name, sink] : sinks_) {
        if (!sink->configured_destination()) {
            continue;
        }
        store_.write([&](StorageTransaction& tx) {
            auto& subscriptions = event_subscriptions(tx);
            const auto id = configured_subscription_id(name);
            if (subscriptions.find_subscription(id)) {
                return;
            }
            EventSubscription subscription;
            subscription.id = id;
            subscription.sink = name;
            subscription.name = name;
            subscription.target = "{}";
            subscription.state = "active";
            subscription.cursor = event_outbox(tx).last_event_seq();
            subscription.created_at = subscription.updated_at = now_iso8601();
            subscriptions.save_subscription(subscription);
        });
    }
}

nlohmann::json subscription_to_json(const EventSubscription& s, std::int64_t last_seq) {
    return {{"id", s.id},
            {"sink", s.sink},
            {"name", s.name},
            {"types", filter_list_from_text(s.types)},
            {"subjects", filter_list_from_text(s.subjects)},
            {"state", s.state},
            {"cursor", s.cursor},
            {"lag", std::max<std::int64_t>(0, last_seq - s.cursor)},
            {"created_at", s.created_at},
            {"updated_at", s.updated_at}};
}

nlohmann::json webhook_to_json(const EventSubscription& s, std::int64_t last_seq) {
    auto json = subscription_to_json(s, last_seq);
    json.erase("sink");
    json["url"] = stored_target(s.target).value("url", "");
    return json;
}

nlohmann::json delivery_to_json(const plugin_api::EventDelivery& d) {
    return {{"id", d.id},
            {"event_seq", d.event_seq},
            {"event_id", d.event_id},
            {"event_type", d.event_type},
            {"at", d.at},
            {"state", d.state},
            {"attempt", d.attempt},
            {"status", d.status},
            {"duration_ms", d.duration_ms},
            {"error", d.error}};
}

}  // namespace vergegrid::control
