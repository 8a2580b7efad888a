#include "webhook_sink.hpp"

#include <chrono>

#include "post_request.hpp"
#include "signature.hpp"
#include "webhook_target.hpp"

namespace vergegrid::event_sink {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kContentType = "application/cloudevents+json";

bool fit_for_header(const std::string& value) {
    for (const unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

int elapsed_ms(Clock::time_point start) {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

}  // namespace

WebhookSink::WebhookSink(WebhookSettings settings)
    : settings_(std::move(settings)), context_(webhook_tls_context(settings_.ca_file)) {}

std::string WebhookSink::check_target(const std::string& target) {
    return webhook_target_json(parse_webhook_target(target, settings_.allow_http));
}

std::vector<plugin_api::SinkAttempt> WebhookSink::deliver(
    const plugin_api::SinkTarget& target, const std::vector<plugin_api::OutboxEvent>& events) {
    std::vector<plugin_api::SinkAttempt> attempts;
    if (events.empty()) {
        return attempts;
    }
    WebhookTarget webhook;
    try {
        webhook = parse_webhook_target(target.target, settings_.allow_http);
    } catch (const plugin_api::TargetError& e) {
        // Stored before allow_http was turned off, or written around check_target().
        plugin_api::SinkAttempt attempt;
        attempt.error = "target " + e.field() + ": " + e.what();
        attempts.push_back(std::move(attempt));
        return attempts;
    }
    const std::chrono::milliseconds deadline(target.deadline_ms > 0 ? target.deadline_ms : 1);
    // One connection for the batch while the receiver keeps it: a TCP (and TLS) handshake per
    // event was a quarter of a delivery's CPU (docs/benchmarks.md, "Event bus").
    WebhookSession session(webhook, context_, settings_.max_response_bytes);
    for (const auto& event : events) {
        const auto start = Clock::now();
        plugin_api::SinkAttempt attempt;
        if (!fit_for_header(event.id)) {
            attempt.error = "the event id holds control characters";
        } else {
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
            const Headers headers{
                {"User-Agent", "VergeGrid-Webhook/" VG_EVENT_SINK_WEBHOOK_VERSION},
                {"X-VergeGrid-Event-Id", event.id},
                {"X-VergeGrid-Timestamp", std::to_string(now)},
                {"X-VergeGrid-Signature", webhook_signature(webhook.secret, now, event.document)},
            };
            const auto outcome = session.post(headers, kContentType, event.document, deadline);
            attempt.status = outcome.status;
            attempt.error = outcome.error;
            attempt.delivered = outcome.error.empty();
        }
        attempt.duration_ms = elapsed_ms(start);
        const bool delivered = attempt.delivered;
        attempts.push_back(std::move(attempt));
        if (!delivered) {
            break;
        }
    }
    return attempts;
}

}  // namespace vergegrid::event_sink
