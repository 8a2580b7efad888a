#include "control/events/outbox_watch.hpp"

#include "control/common/extensions.hpp"

namespace vergegrid::control {

OutboxWatch::OutboxWatch(Store store, std::shared_ptr<EventSignals> signals,
                         std::chrono::milliseconds every)
    : store_(store), signals_(std::move(signals)), thread_(every, [this] { look(); }) {}

void OutboxWatch::look() {
    std::int64_t last = 0;
    try {
        last = store_.read(
            [](plugin_api::StorageTransaction& tx) { return event_outbox(tx).last_event_seq(); });
    } catch (const std::exception&) {
        return;  // the database is away: /readyz says so; the next look tries again
    }
    if (seen_ >= 0 && last != seen_) {
        signals_->notify();
    }
    seen_ = last;
}

}  // namespace vergegrid::control
