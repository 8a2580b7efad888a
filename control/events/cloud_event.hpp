// A domain event as the world outside hears it: a CloudEvents 1.0 JSON document
// (docs/events.md, "Event types"). The control plane's own vocabulary ("region.create") becomes
// a reverse-DNS type in the past tense (org.vergegrid.region.created); an operation's result
// becomes what it means for its region (region.live, region.removed, region.failed).
// Events of the access area (users, tokens, logins) are not published: they stay in the audit
// log, which only the grid's own roles read.
#pragma once

#include <optional>
#include <string>

#include "control/domain/domain_event.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::control {

inline constexpr const char* kCloudEventTypePrefix = "org.vergegrid.";

// The CloudEvents type of `event`, or nullopt when the event is not published.
std::optional<std::string> cloud_event_type(const DomainEvent& event);

// The outbox row for `event`, or nullopt when the event is not published. `source` is the
// CloudEvents source (events.source); `time` RFC 3339 UTC. The CloudEvent's data is the entity
// after the change (as it was, for a deletion); actor and request id ride as the extension
// attributes `actor` and `requestid`. An event with an audit row (event.audit_id) is stored short:
// `{"source":...}`, nothing its audit row holds (actor, request id, data) and nothing the row's
// columns hold (id, type, subject, time); whole_event() builds it again. Otherwise the document
// is whole.
std::optional<plugin_api::OutboxEvent> to_outbox_event(const DomainEvent& event, const Actor& actor,
                                                       const std::string& source,
                                                       const std::string& time);

// The whole CloudEvent of the stored `row`, given its audit row `audit` (null when the row names
// none, or the audit row is gone: then its data is null). Reads the short form above, the form
// of schema 11 and 12 (the envelope without `data`) and a whole document alike.
std::string whole_event(const plugin_api::OutboxEvent& row, const plugin_api::AuditEntry* audit);

}  // namespace vergegrid::control
