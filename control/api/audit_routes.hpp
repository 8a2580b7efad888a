// GET /api/v1/audit?actor=&action=&entity_type=&entity_id=&since=&until=&limit=&before=, and the
// hash chain: GET /api/v1/audit/verify, GET /api/v1/audit/checkpoint (docs/events.md).
#pragma once

#include <nlohmann/json.hpp>

#include "control/audit/audit_chain.hpp"
#include "control/audit/audit_log.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

nlohmann::json audit_to_json(const plugin_api::AuditEntry& entry);

void add_audit_routes(kernel::http::Router& router, AuditLog log, AuditChainCheck chain);

}  // namespace vergegrid::control
