// The audit log: who changed what, when, before and after, under which request id. Every
// mutating request writes its row in the same transaction as the change.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "control/domain/event_consumer.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// The audit log as a consumer of domain events: one row per event, the event type as its action.
class AuditTrail : public EventConsumer {
  public:
    // With a storage of ABI 1.10 or newer, each row links to the previous one (audit_chain.hpp).
    void consume(Changes& changes, const DomainEvent& event) override;
};

}  // namespace vergegrid::control
