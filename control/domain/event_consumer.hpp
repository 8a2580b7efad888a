// Something that acts on domain events inside the transaction that produced them (the audit
// trail writes its row there). A consumer that throws rolls the whole command back.
#pragma once

#include "control/domain/domain_event.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

class EventConsumer {
  public:
    virtual ~EventConsumer() = default;
    virtual void consume(plugin_api::StorageTransaction& tx, const Actor& actor,
                         const DomainEvent& event) = 0;
};

}  // namespace vergegrid::control
