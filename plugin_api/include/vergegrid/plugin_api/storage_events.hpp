// ABI 1.10 extensions of the transaction for the event bus (docs/events.md).
// - EventOutbox: every grid event, written in the transaction of its change with a sequence that
//   grows in commit order (every read-write transaction holds the grid's write lock, so no two
//   assign sequences at once), read back by the dispatcher and the live stream.
// - EventSubscriptions: where events go (a webhook, a NATS stream), each with the cursor up to
//   which it has them, and the log of its deliveries (dead letters included).
// - AuditChain: the audit log as a hash chain (each row the SHA-256 of the previous row's hash
//   and its own content), walked by GET /api/v1/audit/verify.
// The host finds all three with dynamic_cast. A storage plugin built before 1.10 implements none:
// its control plane publishes no events and keeps an unchained audit log.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::plugin_api {

// IN/OUT. Frozen. Since 1.10. One event of the outbox.
struct OutboxEvent {
    std::int64_t seq = 0;  // assigned by storage on append: greater than every earlier one
    std::string id;        // the CloudEvent id (a UUID): receivers de-duplicate by it
    std::string type;      // org.vergegrid.region.created
    std::string subject;   // the entity's id
    std::string time;      // RFC 3339 UTC
    // The CloudEvent as JSON text; with audit_id set, only what that audit row does not hold.
    std::string document;
    // The audit row whose after document (before, for a deletion) is the event's data, so that
    // the entity is stored once per change; 0 when the document carries its data itself.
    std::int64_t audit_id = 0;
};

// Since 1.10. Implemented by the transaction object; never deleted through this interface.
class BOOST_SYMBOL_VISIBLE EventOutbox {
  public:
    virtual ~EventOutbox() = default;

    // Stores the event; returns its seq (event.seq is ignored). Ids are the host's fresh UUIDs:
    // the storage need not check them for uniqueness.
    virtual std::int64_t append_event(const OutboxEvent& event) = 0;
    // Events with seq > `after_seq`, oldest first, at most `limit`.
    virtual std::vector<OutboxEvent> list_events_after(std::int64_t after_seq, int limit) = 0;
    // The greatest seq stored (0 when none ever was).
    virtual std::int64_t last_event_seq() = 0;
    // The smallest seq still stored (0 when none is).
    virtual std::int64_t first_event_seq() = 0;
    // Deletes the oldest events, up to `through_seq` and up to the first event whose time is not
    // before `before_time` (times grow with seq, but a clock stepped back only delays pruning);
    // returns how many.
    virtual int delete_events(std::int64_t through_seq, const std::string& before_time) = 0;
};

// IN/OUT. Frozen. Since 1.10. One destination of events and how far it has them.
struct EventSubscription {
    std::string id;        // a UUID, or "sink:<plugin name>" for a sink configured in the INI file
    std::string sink;      // the event_sink plugin that delivers: webhook, nats
    std::string name;      // the operator's label
    std::string target;    // the sink's settings for it, JSON text (a webhook: url, secret)
    std::string types;     // JSON array of type patterns ("" or "[]": every type)
    std::string subjects;  // JSON array of subjects ("" or "[]": every subject)
    std::string state;     // active, paused
    std::int64_t cursor = 0;  // every event with seq <= cursor is delivered or dead
    std::string created_at;
    std::string updated_at;
};

// IN/OUT. Frozen. Since 1.10. One attempt to deliver one event to one subscription.
struct EventDelivery {
    std::int64_t id = 0;  // assigned by storage
    std::string subscription_id;
    std::int64_t event_seq = 0;
    std::string event_id;
    std::string event_type;
    std::string at;     // RFC 3339 UTC, when the attempt ended
    std::string state;  // delivered, failed (to be retried), dead (given up: the cursor moved on)
    int attempt = 0;    // 1 for the first
    int status = 0;     // the receiver's HTTP status; 0 when none came
    int duration_ms = 0;
    std::string error;  // empty when delivered
};

// Since 1.10. Implemented by the transaction object; never deleted through this interface.
class BOOST_SYMBOL_VISIBLE EventSubscriptions {
  public:
    virtual ~EventSubscriptions() = default;

    // Inserts the subscription or replaces every field of the one with its id.
    virtual void save_subscription(const EventSubscription& subscription) = 0;
    virtual std::optional<EventSubscription> find_subscription(const std::string& id) = 0;
    // Every subscription of `sink` ("" any), by created_at then id.
    virtual std::vector<EventSubscription> list_subscriptions(const std::string& sink) = 0;
    // Deletes it and its deliveries; false when there was none.
    virtual bool delete_subscription(const std::string& id) = 0;
    // Moves the cursor forward only: a smaller `cursor` than the stored one changes nothing.
    virtual void advance_subscription(const std::string& id, std::int64_t cursor) = 0;
    // The smallest cursor of every subscription (`fallback` when there is none).
    virtual std::int64_t lowest_subscription_cursor(std::int64_t fallback) = 0;

    // Returns the delivery's id.
    virtual std::int64_t append_delivery(const EventDelivery& delivery) = 0;
    // The subscription's deliveries, newest first: state "" any, else only that state; only ids
    // below `before_id` unless it is 0; at most `limit`.
    virtual std::vector<EventDelivery> list_deliveries(const std::string& subscription_id,
                                                       const std::string& state,
                                                       std::int64_t before_id, int limit) = 0;
    // Deletes deliveries ended before `before_time` that are not dead; returns how many.
    virtual int delete_deliveries_before(const std::string& before_time) = 0;
};

// IN/OUT. Frozen. Since 1.10. An audit row and its place in the chain.
struct ChainedAudit {
    AuditEntry entry;
    std::string prev_hash;  // the previous chained row's hash; "" for the first
    std::string hash;       // SHA-256 (hex) of prev_hash and the row's content; "" for a row
                            // written before the chain began
};

// Since 1.10. Implemented by the transaction object; never deleted through this interface.
class BOOST_SYMBOL_VISIBLE AuditChain {
  public:
    virtual ~AuditChain() = default;

    // The newest audit row's hash ("" when there is no row, or the newest is unchained).
    virtual std::string last_audit_hash() = 0;
    // Appends the row with its links; returns its id (entry.id is ignored).
    virtual std::int64_t append_chained_audit(const AuditEntry& entry, const std::string& prev_hash,
                                              const std::string& hash) = 0;
    // Rows with id > `after_id`, oldest first, at most `limit`.
    virtual std::vector<ChainedAudit> list_chained_audit(std::int64_t after_id, int limit) = 0;
};

}  // namespace vergegrid::plugin_api
