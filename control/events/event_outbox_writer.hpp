// The transactional outbox (docs/events.md): every published event is appended to the events
// table in the transaction of its change, so nothing is published that did not commit and
// nothing committed is lost. Once the transaction commits, whoever waits for events is woken.
#pragma once

#include <memory>
#include <string>

#include "control/domain/event_consumer.hpp"
#include "control/events/event_signals.hpp"

namespace vergegrid::control {

class EventOutboxWriter final : public EventConsumer {
  public:
    // `source`: the CloudEvents source of every event (events.source).
    EventOutboxWriter(std::string source, std::shared_ptr<EventSignals> signals)
        : source_(std::move(source)), signals_(std::move(signals)) {}

    // Writes nothing with a storage plugin older than ABI 1.10 (no outbox), or for an event that
    // is not published (cloud_event.hpp).
    void consume(Changes& changes, const DomainEvent& event) override;

  private:
    std::string source_;
    std::shared_ptr<EventSignals> signals_;
};

}  // namespace vergegrid::control
