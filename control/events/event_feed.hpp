// Reading the outbox for clients: GET /api/v1/events and the live stream. A page scans at most
// kScanLimit events after the cursor, so a filter that matches nothing still answers quickly; the
// page's last_seq says where the scan ended, and the next page starts there.
#pragma once

#include <cstdint>
#include <vector>

#include "control/domain/store.hpp"
#include "control/events/event_filter.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::control {

struct EventPage {
    std::vector<plugin_api::OutboxEvent> items;
    std::int64_t last_seq = 0;  // every event up to it was scanned: the next page's `after`
};

class EventFeed {
  public:
    explicit EventFeed(Store store) : store_(store) {}

    static constexpr int kScanLimit = 2000;
    static constexpr int kMaxLimit = 500;

    // At most `limit` matching events with seq > `after`. An `after` below the oldest stored
    // event (pruned) starts at the oldest.
    EventPage page(std::int64_t after, const EventFilter& filter, int limit) const;
    // The newest seq (0 when the outbox is empty): where a stream that asks for "from now" starts.
    std::int64_t last_seq() const;

  private:
    Store store_;
};

}  // namespace vergegrid::control
