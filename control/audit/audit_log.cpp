#include "control/audit/audit_log.hpp"

namespace vergegrid::control {

namespace {
void check_length(const char* field, const std::string& value) {
    if (value.size() > AuditQuery::kMaxFilterBytes) {
        throw DomainError::invalid_field(field, "must be at most 256 bytes");
    }
}
}  // namespace

void check_audit_filter(const plugin_api::AuditFilter& f) {
    check_length("actor", f.actor);
    check_length("action", f.action);
    check_length("entity_type", f.entity_type);
    check_length("entity_id", f.entity_id);
    check_length("since", f.since);
    check_length("until", f.until);
}

std::vector<plugin_api::AuditEntry> AuditLog::list(const AuditQuery& query) const {
    check_audit_filter(query.filter);
    return store_.read([&](plugin_api::StorageTransaction& tx) {
        return tx.list_audit(query.filter, query.before_id, query.limit + 1);
    });
}

}  // namespace vergegrid::control
