// Kind "event_sink" (since 1.10): where the grid's events go once they are committed
// (docs/events.md). The control plane's dispatcher reads the outbox after each subscription's
// cursor and hands the sink that subscription's events in order; the sink delivers them one by
// one and says how each attempt went. The dispatcher keeps the cursors, retries with back-off and
// gives up on an event (a dead letter) only after events.retry_for_s; the sink only delivers.
// Built in: `webhook` (signed HTTPS POSTs, a subscription per receiver, made through
// /api/v1/webhooks) and `nats` (NATS JetStream, one destination set up by [event_sink.nats]).
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::plugin_api {

// Thrown by EventSink::check_target for settings the sink cannot use. Since 1.10.
class BOOST_SYMBOL_VISIBLE TargetError : public std::runtime_error {
  public:
    TargetError(std::string field, const std::string& message)
        : std::runtime_error(message), field_(std::move(field)) {}
    // The target's field at fault ("url", "secret"), for the API's 400 answer.
    const std::string& field() const noexcept { return field_; }

  private:
    std::string field_;
};

// IN (may grow at the end). Since 1.10. One subscription's destination, for one call.
struct SinkTarget {
    std::string subscription_id;
    std::string target;  // the subscription's target settings, JSON text (check_target passed)
    // The most one event's delivery may take, connection and retries within the sink included.
    std::int64_t deadline_ms = 10000;
};

// OUT. Frozen. Since 1.10. How one event's delivery attempt went.
struct SinkAttempt {
    bool delivered = false;
    int status = 0;  // the receiver's HTTP status, 0 when none
    int duration_ms = 0;
    std::string error;  // why it failed; empty when delivered
};

// Since 1.10 (every method below). Thread-safe: the dispatcher delivers different subscriptions
// from different threads at once (one thread per subscription, so one slow receiver never delays
// another); one subscription's events come from one thread at a time.
// OWNERSHIP: the host owns the sink (PluginObject).
class BOOST_SYMBOL_VISIBLE EventSink : public PluginObject {
  public:
    // true: the sink is one destination configured by its INI section; the host keeps one
    // subscription for it, "sink:<plugin name>". false: subscriptions are made through the API,
    // each with target settings that check_target() accepts.
    virtual bool configured_destination() const = 0;

    // Checks (and may normalise) a subscription's target settings (JSON text); returns what to
    // store. Throws TargetError naming the field.
    virtual std::string check_target(const std::string& target) = 0;

    // Delivers `events` (oldest first) in order, stopping after the first that fails; returns one
    // attempt per event tried, so the last one failed unless every event was delivered.
    virtual std::vector<SinkAttempt> deliver(const SinkTarget& target,
                                             const std::vector<OutboxEvent>& events) = 0;
};

}  // namespace vergegrid::plugin_api
