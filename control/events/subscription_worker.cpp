#include "control/events/subscription_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/events/event_filter.hpp"
#include "control/events/outbox_reader.hpp"

namespace vergegrid::control {

using plugin_api::EventDelivery;
using plugin_api::OutboxEvent;
using plugin_api::SinkAttempt;
using plugin_api::StorageTransaction;

SubscriptionWorker::SubscriptionWorker(WorkerContext context, std::string subscription_id,
                                       std::shared_ptr<plugin_api::EventSink> sink)
    : context_(std::move(context)),
      id_(std::move(subscription_id)),
      sink_(std::move(sink)),
      thread_([this] { run(); }) {}

SubscriptionWorker::~SubscriptionWorker() {
    stopping_ = true;
    { const std::lock_guard lock(mutex_); }
    stop_requested_.notify_all();
    // Ends an idle wait for new events at once rather than at its timeout.
    context_.signals->notify();
    thread_.join();
}

void SubscriptionWorker::pause(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    stop_requested_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void SubscriptionWorker::run() {
    while (!stopping_) {
        Next next = Next::back_off;
        try {
            next = round();
        } catch (const std::exception& e) {
            context_.log->warn("events: subscription {}: {}", id_, e.what());
        }
        if (next == Next::end) {
            break;
        }
        if (next == Next::back_off) {
            const int doublings = std::min(std::max(failures_ - 1, 0), 16);
            const std::chrono::milliseconds delay = std::min<std::chrono::milliseconds>(
                context_.settings.first_backoff * (1 << doublings), context_.settings.max_backoff);
            pause(delay);
        }
    }
    finished_ = true;
}

SubscriptionWorker::Next SubscriptionWorker::round() {
    const auto seen = context_.signals->generation();
    const auto read = context_.store.read([&](StorageTransaction& tx) {
        std::pair<std::optional<plugin_api::EventSubscription>, std::vector<OutboxEvent>> out;
        out.first = event_subscriptions(tx).find_subscription(id_);
        if (out.first) {
            out.second = read_events_after(tx, out.first->cursor, context_.settings.batch);
        }
        return out;
    });
    const auto& subscription = read.first;
    const auto& events = read.second;
    if (!subscription || subscription->state != "active" || !may_lead(context_.leadership.get())) {
        return Next::end;
    }
    if (events.empty()) {
        context_.signals->wait(seen, context_.settings.idle_look, stopping_);
        return Next::go_on;
    }
    const EventFilter filter{filter_list_from_text(subscription->types),
                             filter_list_from_text(subscription->subjects)};
    std::vector<OutboxEvent> wanted;
    for (const auto& event : events) {
        if (filter.matches(event.type, event.subject)) {
            wanted.push_back(event);
        }
    }
    std::vector<SinkAttempt> attempts;
    if (!wanted.empty()) {
        attempts = sink_->deliver(
            {id_, subscription->target, context_.settings.delivery_timeout.count()}, wanted);
    }

    // Walk the batch in order: the cursor passes every unwanted event and every delivered (or
    // given-up) one, and stops before the first wanted event not delivered.
    const std::string now = now_iso8601();
    std::int64_t cursor = subscription->cursor;
    std::vector<EventDelivery> log;
    bool retry = false;
    std::size_t next_attempt = 0;
    for (const auto& event : events) {
        if (!filter.matches(event.type, event.subject)) {
            cursor = event.seq;
            continue;
        }
        if (next_attempt >= attempts.size()) {
            break;  // not tried: after a failure
        }
        const auto& attempt = attempts[next_attempt++];
        if (event.seq != failing_seq_) {
            failing_seq_ = event.seq;
            failures_ = 0;
        }
        EventDelivery row{0,
                          id_,
                          event.seq,
                          event.id,
                          event.type,
                          now,
                          "",
                          failures_ + 1,
                          attempt.status,
                          attempt.duration_ms,
                          attempt.error};
        if (attempt.delivered) {
            row.state = "delivered";
            failing_seq_ = 0;
            failures_ = 0;
            cursor = event.seq;
            log.push_back(row);
            continue;
        }
        ++failures_;
        const bool give_up =
            seconds_between(event.time, now) >= context_.settings.retry_for.count();
        row.state = give_up ? "dead" : "failed";
        log.push_back(row);
        if (give_up) {
            context_.log->warn(
                "events: subscription {} gave up on event {} ({}) after {} "
                "attempts: {}",
                id_, event.seq, event.type, failures_, attempt.error);
            cursor = event.seq;
            failing_seq_ = 0;
            failures_ = 0;
        } else {
            retry = true;
        }
        break;
    }
    context_.store.write([&](StorageTransaction& tx) {
        auto& subscriptions = event_subscriptions(tx);
        for (const auto& row : log) {
            subscriptions.append_delivery(row);
        }
        if (cursor > subscription->cursor) {
            subscriptions.advance_subscription(id_, cursor);
        }
    });
    return retry ? Next::back_off : Next::go_on;
}

}  // namespace vergegrid::control
