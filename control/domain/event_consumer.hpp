// Something that acts on domain events inside the transaction that produced them (the audit
// trail writes its row there, the outbox its event). A consumer that throws rolls the whole command
// back.
#pragma once

#include "control/domain/changes.hpp"
#include "control/domain/domain_event.hpp"

namespace vergegrid::control {

class EventConsumer {
  public:
    virtual ~EventConsumer() = default;
    // `changes` is the command's: its transaction, its actor, its after-commit hooks. A consumer
    // records no events of its own.
    virtual void consume(Changes& changes, const DomainEvent& event) = 0;
};

}  // namespace vergegrid::control
