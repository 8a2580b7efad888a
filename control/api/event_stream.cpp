#include "control/api/event_stream.hpp"

namespace vergegrid::control {

using kernel::http::Response;

Response stream_response(const EventPage& page) {
    std::string body = "retry: " + std::to_string(kStreamRetryMs) + "\n";
    for (const auto& event : page.items) {
        // A CloudEvent is one line of JSON (nlohmann escapes control characters), so one
        // data field carries it.
        body += "id: " + std::to_string(event.seq) + "\nevent: " + event.type +
                "\ndata: " + event.document + "\n\n";
    }
    if (page.items.empty()) {
        // Scanned past events the filter did not want: the next request starts after them.
        body += "id: " + std::to_string(page.last_seq) + "\n: keep-alive\n\n";
    }
    auto response = Response::text(200, std::move(body), "text/event-stream; charset=utf-8");
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

EventStream::~EventStream() {
    signals_->unsubscribe(subscription_);
}

void EventStream::arm(std::function<void()> wake) {
    wake_ = std::move(wake);
    subscribe();
}

std::optional<Response> EventStream::resume(bool final) {
    signals_->unsubscribe(subscription_);
    subscription_ = 0;
    const auto seen = signals_->generation();
    if (seen != seen_ || final) {
        seen_ = seen;
        auto page = feed_.page(after_, filter_, kStreamBatch);
        if (!page.items.empty() || final) {
            return stream_response(page);
        }
        after_ = page.last_seq;
    }
    subscribe();
    return std::nullopt;
}

void EventStream::subscribe() {
    subscription_ = signals_->subscribe(seen_, wake_);
}

}  // namespace vergegrid::control
