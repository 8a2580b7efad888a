#include "control/api/event_routes.hpp"

#include <charconv>

#include "control/api/event_stream.hpp"
#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/common/stored_json.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

std::int64_t sequence_value(const std::string& text, const std::string& field) {
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value < 0) {
        throw ApiError::invalid_field(field, "must be an event sequence number (0 or more)");
    }
    return value;
}

std::optional<std::int64_t> after_param(const Request& request) {
    // Last-Event-ID wins: it is where the client's own EventSource got to.
    if (const auto last = request.header("last-event-id"); !last.empty()) {
        return sequence_value(last, "Last-Event-ID");
    }
    if (const auto it = request.query.find("after"); it != request.query.end()) {
        return sequence_value(it->second, "after");
    }
    return std::nullopt;
}

EventFilter filter_params(const Request& request) {
    EventFilter filter;
    if (const auto it = request.query.find("type"); it != request.query.end()) {
        filter.types = checked_filter_list(it->second, "type");
    }
    if (const auto it = request.query.find("subject"); it != request.query.end()) {
        filter.subjects = checked_filter_list(it->second, "subject");
    }
    return filter;
}

int limit_param(const Request& request) {
    const auto it = request.query.find("limit");
    if (it == request.query.end()) {
        return 100;
    }
    int limit = 0;
    auto [ptr, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
    if (ec != std::errc{} || ptr != it->second.data() + it->second.size() || limit < 1 ||
        limit > EventFeed::kMaxLimit) {
        throw ApiError::invalid_field("limit", "must be an integer between 1 and 500");
    }
    return limit;
}

std::int64_t before_param(const Request& request) {
    const auto it = request.query.find("before");
    return it == request.query.end() ? 0 : sequence_value(it->second, "before");
}

nlohmann::json event_item(const plugin_api::OutboxEvent& event) {
    // From storage: the strict parser, and null rather than a 500 for a document that is not JSON.
    return {{"seq", event.seq}, {"event", stored_document_or_null(event.document)}};
}

}  // namespace

void add_event_routes(kernel::http::Router& router, EventFeed feed,
                      std::shared_ptr<EventSignals> signals) {
    router.add("GET", "/api/v1/events", Permission::read, [feed](const Request& request) {
        const auto filter = filter_params(request);
        const int limit = limit_param(request);
        const auto after = after_param(request).value_or(0);
        const auto page = feed.page(after, filter, limit);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& event : page.items) {
            items.push_back(event_item(event));
        }
        return Response::json(200, {{"items", std::move(items)}, {"last_seq", page.last_seq}});
    });

    router.add(
        "GET", "/api/v1/events/stream", Permission::read, [feed, signals](const Request& request) {
            auto filter = filter_params(request);
            const auto seen = signals->generation();
            const auto asked = after_param(request);
            const std::int64_t after = asked ? *asked : feed.last_seq();
            if (asked) {
                auto page = feed.page(after, filter, kStreamBatch);
                if (!page.items.empty()) {
                    return stream_response(page);
                }
            }
            Response later;
            later.deferred =
                std::make_shared<EventStream>(feed, signals, after, std::move(filter), seen,
                                              std::chrono::steady_clock::now() + kStreamWait);
            return later;
        });
}

void add_webhook_routes(kernel::http::Router& router,
                        std::shared_ptr<SubscriptionService> subscriptions) {
    const auto actor = request_actor;
    router.add("GET", "/api/v1/webhooks", Permission::admin, [subscriptions](const Request&) {
        const auto last = subscriptions->last_seq();
        nlohmann::json items = nlohmann::json::array();
        for (const auto& webhook : subscriptions->webhooks()) {
            items.push_back(webhook_to_json(webhook, last));
        }
        return Response::json(200, {{"items", std::move(items)}});
    });
    router.add("POST", "/api/v1/webhooks", Permission::admin,
               [subscriptions, actor](const Request& request) {
                   const auto created =
                       subscriptions->create_webhook(actor(request), request.json_body());
                   auto response =
                       Response::json(201, webhook_to_json(created, subscriptions->last_seq()));
                   response.headers.emplace_back("Location", "/api/v1/webhooks/" + created.id);
                   return response;
               });
    router.add("GET", "/api/v1/webhooks/{id}", Permission::admin,
               [subscriptions](const Request& request) {
                   return Response::json(
                       200, webhook_to_json(subscriptions->webhook(request.path_params.at("id")),
                                            subscriptions->last_seq()));
               });
    router.add("PATCH", "/api/v1/webhooks/{id}", Permission::admin,
               [subscriptions, actor](const Request& request) {
                   const auto updated = subscriptions->update_webhook(
                       actor(request), request.path_params.at("id"), request.json_body());
                   return Response::json(200, webhook_to_json(updated, subscriptions->last_seq()));
               });
    router.add("DELETE", "/api/v1/webhooks/{id}", Permission::admin,
               [subscriptions, actor](const Request& request) {
                   subscriptions->delete_webhook(actor(request), request.path_params.at("id"));
                   return Response{204, "application/json", "", {}};
               });
    router.add("POST", "/api/v1/webhooks/{id}/test", Permission::admin,
               [subscriptions](const Request& request) {
                   const auto attempt = subscriptions->test_webhook(request.path_params.at("id"));
                   return Response::json(200, {{"delivered", attempt.delivered},
                                               {"status", attempt.status},
                                               {"duration_ms", attempt.duration_ms},
                                               {"error", attempt.error}});
               });
    router.add("GET", "/api/v1/event-subscriptions", Permission::admin,
               [subscriptions](const Request&) {
                   const auto last = subscriptions->last_seq();
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& subscription : subscriptions->subscriptions()) {
                       items.push_back(subscription_to_json(subscription, last));
                   }
                   return Response::json(200, {{"items", std::move(items)}});
               });
    router.add("GET", "/api/v1/event-subscriptions/{id}/deliveries", Permission::admin,
               [subscriptions](const Request& request) {
                   DeliveryQuery query;
                   if (const auto it = request.query.find("state"); it != request.query.end()) {
                       query.state = it->second;
                   }
                   query.before_id = before_param(request);
                   query.limit = limit_param(request);
                   const auto rows = subscriptions->deliveries(request.path_params.at("id"), query);
                   nlohmann::json items = nlohmann::json::array();
                   const auto shown = std::min(rows.size(), static_cast<std::size_t>(query.limit));
                   for (std::size_t i = 0; i < shown; ++i) {
                       items.push_back(delivery_to_json(rows[i]));
                   }
                   nlohmann::json next = nullptr;
                   if (rows.size() > shown) {
                       next = rows[shown - 1].id;
                   }
                   return Response::json(200, {{"items", std::move(items)}, {"next_before", next}});
               });
}

}  // namespace vergegrid::control
