#include "control/audit/audit_trail.hpp"

#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {
std::string document(const nlohmann::json& value) {
    return value.is_null() ? "" : value.dump();
}
}  // namespace

void AuditTrail::consume(plugin_api::StorageTransaction& tx, const Actor& actor,
                         const DomainEvent& event) {
    plugin_api::AuditEntry entry;
    entry.at = now_iso8601();
    entry.actor = actor.subject;
    entry.action = event.type;
    entry.entity_type = event.entity_type;
    entry.entity_id = event.entity_id;
    entry.request_id = actor.request_id;
    entry.before = document(event.before);
    entry.after = document(event.after);
    tx.append_audit(entry);
}

}  // namespace vergegrid::control
