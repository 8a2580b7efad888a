// An audit_log row's columns as SOCI binds them, shared by the audit log's reads
// (soci_transaction_log.cpp) and the chain's (soci_transaction_audit_chain.cpp).
#pragma once

#include "vergegrid/plugin_api/storage_model.hpp"

namespace soci {
class statement;
}

namespace vergegrid::plugins::sql {

// Binds, in this order: id, at, actor, action, entity_type, entity_id, request_id, before_doc,
// after_doc. SOCI 4.0 binds 64-bit integers as long long (std::int64_t is long here), hence `id`.
void bind_audit_entry(soci::statement& st, long long& id, plugin_api::AuditEntry& entry);

}  // namespace vergegrid::plugins::sql
