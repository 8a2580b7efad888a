// GET /api/v1/events/stream as Server-Sent Events (docs/events.md, "Live stream"). The
// server's parked connections hold no thread, and an answer ends the response: so the stream
// answers each batch of new events as one text/event-stream response and ends it, and the client
// reconnects at once with Last-Event-ID (EventSource does so by itself after `retry`). A stream
// with nothing new ends after kStreamWait with a comment, and reconnects the same way. No event
// is lost between two responses: each starts after the last id the client saw.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "control/events/event_feed.hpp"
#include "control/events/event_signals.hpp"
#include "kernel/http/deferred.hpp"
#include "kernel/http/response.hpp"

namespace vergegrid::control {

inline constexpr auto kStreamWait = std::chrono::seconds(25);
inline constexpr int kStreamRetryMs = 500;
inline constexpr int kStreamBatch = 200;

// The text/event-stream answer for `page` (possibly empty: a keep-alive comment only).
kernel::http::Response stream_response(const EventPage& page);

class EventStream final : public kernel::http::Deferred {
  public:
    EventStream(EventFeed feed, std::shared_ptr<EventSignals> signals, std::int64_t after,
                EventFilter filter, std::uint64_t seen,
                std::chrono::steady_clock::time_point deadline)
        : feed_(feed),
          signals_(std::move(signals)),
          after_(after),
          filter_(std::move(filter)),
          seen_(seen),
          deadline_(deadline) {}
    ~EventStream() override;
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    std::chrono::steady_clock::time_point deadline() const override { return deadline_; }
    void arm(std::function<void()> wake) override;
    std::optional<kernel::http::Response> resume(bool final) override;

  private:
    void subscribe();

    EventFeed feed_;
    std::shared_ptr<EventSignals> signals_;
    std::int64_t after_;
    EventFilter filter_;
    std::uint64_t seen_;
    std::chrono::steady_clock::time_point deadline_;
    std::function<void()> wake_;
    EventSignals::Subscription subscription_ = 0;
};

}  // namespace vergegrid::control
