#include "control/events/event_feed.hpp"

#include <algorithm>

#include "control/common/extensions.hpp"
#include "control/events/outbox_reader.hpp"

namespace vergegrid::control {

EventPage EventFeed::page(std::int64_t after, const EventFilter& filter, int limit) const {
    return store_.read([&](plugin_api::StorageTransaction& tx) {
        EventPage page;
        page.last_seq = after;
        int scanned = 0;
        while (scanned < kScanLimit && static_cast<int>(page.items.size()) < limit) {
            const int chunk = std::min(limit * 4 + 16, kScanLimit - scanned);
            const auto events = read_events_after(tx, page.last_seq, chunk);
            for (const auto& event : events) {
                page.last_seq = event.seq;
                if (filter.matches(event.type, event.subject)) {
                    page.items.push_back(event);
                    if (static_cast<int>(page.items.size()) == limit) {
                        break;
                    }
                }
            }
            scanned += static_cast<int>(events.size());
            if (static_cast<int>(events.size()) < chunk) {
                break;
            }
        }
        return page;
    });
}

std::int64_t EventFeed::last_seq() const {
    return store_.read(
        [](plugin_api::StorageTransaction& tx) { return event_outbox(tx).last_event_seq(); });
}

}  // namespace vergegrid::control
