#include "control/audit/audit_trail.hpp"

#include "control/audit/audit_chain.hpp"
#include "control/common/clock.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::control {

namespace {
std::string document(const nlohmann::json& value) {
    return value.is_null() ? "" : value.dump();
}
}  // namespace

void AuditTrail::consume(Changes& changes, const DomainEvent& event) {
    if (!event.audited) {
        return;
    }
    const Actor& actor = changes.actor();
    plugin_api::AuditEntry entry;
    entry.at = now_iso8601();
    entry.actor = actor.subject;
    entry.action = event.type;
    entry.entity_type = event.entity_type;
    entry.entity_id = event.entity_id;
    entry.request_id = actor.request_id;
    entry.before = document(event.before);
    entry.after = document(event.after);
    // Every writer holds the grid's write lock, so the newest row read here is still the newest
    // when this one is appended: the chain has no forks.
    if (auto* chain = dynamic_cast<plugin_api::AuditChain*>(&changes.tx())) {
        const std::string prev = chain->last_audit_hash();
        chain->append_chained_audit(entry, prev, audit_row_hash(prev, entry));
        return;
    }
    changes.tx().append_audit(entry);
}

}  // namespace vergegrid::control
