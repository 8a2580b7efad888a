#include "control/audit/audit_trail.hpp"

#include "control/audit/audit_chain.hpp"
#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {
// Dumped once per event: the outbox writer, after this consumer, reuses the text.
const std::string& document(const nlohmann::json& value, std::string& text) {
    if (text.empty() && !value.is_null()) {
        text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return text;
}
}  // namespace

void AuditTrail::consume(Changes& changes, const DomainEvent& event) {
    if (!event.audited) {
        return;
    }
    const Actor& actor = changes.actor();
    plugin_api::AuditEntry entry;
    entry.at = now_iso8601();
    event.at = entry.at;
    entry.actor = actor.subject;
    entry.action = event.type;
    entry.entity_type = event.entity_type;
    entry.entity_id = event.entity_id;
    entry.request_id = actor.request_id;
    entry.before = document(event.before, event.before_text);
    entry.after = document(event.after, event.after_text);
    // Every writer holds the grid's write lock, so the newest row read here is still the newest
    // when this one is appended: the chain has no forks.
    if (auto* chain = changes.extensions().audit_chain) {
        const std::string prev = chain->last_audit_hash();
        event.audit_id = chain->append_chained_audit(entry, prev, audit_row_hash(prev, entry));
        return;
    }
    event.audit_id = changes.tx().append_audit(entry);
}

}  // namespace vergegrid::control
