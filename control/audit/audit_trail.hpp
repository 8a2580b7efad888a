// The audit log: who changed what, when, before and after, under which request id. Every
// mutating request writes its row in the same transaction as the change.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/domain/event_consumer.hpp"
#include "kernel/http/request.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// `before`/`after` are null for a creation/deletion. For route code not yet moved to commands;
// a command records a DomainEvent instead, which the AuditTrail below writes.
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

}  // namespace vergegrid::control
