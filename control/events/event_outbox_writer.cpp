#include "control/events/event_outbox_writer.hpp"

#include "control/common/clock.hpp"
#include "control/events/cloud_event.hpp"

namespace vergegrid::control {

void EventOutboxWriter::consume(Changes& changes, const DomainEvent& event) {
    auto* outbox = changes.extensions().outbox;
    if (outbox == nullptr) {
        return;
    }
    auto row = to_outbox_event(event, changes.actor(), source_,
                               event.at.empty() ? now_iso8601() : event.at);
    if (!row) {
        return;
    }
    outbox->append_event(*row);
    changes.after_commit([signals = signals_] { signals->notify(); });
}

}  // namespace vergegrid::control
