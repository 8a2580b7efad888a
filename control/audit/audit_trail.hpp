// The audit log: who changed what, when, before and after, under which request id. Every
// mutating request writes its row in the same transaction as the change.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/domain/event_consumer.hpp"
#include "control/domain/store.hpp"
#include "kernel/http/request.hpp"
#include "kernel/http/router.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// `before`/`after` are null for a creation/deletion.
void record_audit(plugin_api::StorageTransaction& tx, const kernel::http::Request& request,
                  const std::string& action, const std::string& entity_type,
                  const std::string& entity_id, const nlohmann::json& before,
                  const nlohmann::json& after);

// The audit log as a consumer of domain events: one row per event, the event type as its action.
class AuditTrail : public EventConsumer {
  public:
    void consume(plugin_api::StorageTransaction& tx, const Actor& actor,
                 const DomainEvent& event) override;
};

nlohmann::json audit_to_json(const plugin_api::AuditEntry& entry);

// GET /api/v1/audit?actor=&action=&entity_type=&entity_id=&since=&until=&limit=&before=
void add_audit_routes(kernel::http::Router& router, Store store);

}  // namespace vergegrid::control
