// What a command changed, as a fact others can act on: "region.create" of region X by actor A
// under request R, with the entity before and after (null for a creation or a deletion).
// A command records its events in the transaction of the change; the consumers registered with
// the Store (the audit trail first) see them before that transaction commits, so an event and
// its change are stored together or not at all.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace vergegrid::control {

// Who asked for a change, and under which request: carried by every command.
struct Actor {
    std::string subject;     // a user name, "simulator:<id>", or "system:<job>" for background jobs
    std::string request_id;  // the HTTP request's id; empty for background jobs
};

struct DomainEvent {
    std::string type;         // "<entity>.<verb>": region.create, simulator.cordon, user.disable
    std::string entity_type;  // region, simulator, estate, template, user, token, ...
    std::string entity_id;
    nlohmann::json before;  // null for a creation
    nlohmann::json after;   // null for a deletion
    // false: the channel's bookkeeping (an operation's result, an audit checkpoint), published
    // as an event but written to no audit row.
    bool audited = true;
    // Filled in by the consumers inside the transaction: the audit row written for the event
    // (the outbox refers to it for the event's data rather than storing the entity again), its
    // time (the event's, read from the clock once) and the entity's JSON text, dumped once for
    // both (or already by the command, which then sets it: a region's history row holds the
    // same text).
    mutable std::int64_t audit_id = 0;
    mutable std::string at{};
    mutable std::string before_text{};
    mutable std::string after_text{};
};

}  // namespace vergegrid::control
