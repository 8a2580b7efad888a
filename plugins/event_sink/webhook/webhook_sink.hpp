// The webhook event sink: one signed POST per event (docs/events.md, "Webhooks"). Holds nothing
// per subscription, so different subscriptions deliver from different threads at once.
#pragma once

#include <Poco/Net/Context.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/event_sink.hpp"

namespace vergegrid::event_sink {

struct WebhookSettings {
    std::optional<std::filesystem::path> ca_file;  // trusted besides the system's CAs
    bool allow_http = false;
    std::size_t max_response_bytes = 64 * 1024;
};

class WebhookSink final : public plugin_api::EventSink {
  public:
    // Throws Poco::Exception when the CA file cannot be used.
    explicit WebhookSink(WebhookSettings settings);

    bool configured_destination() const override { return false; }
    std::string check_target(const std::string& target) override;
    std::vector<plugin_api::SinkAttempt> deliver(
        const plugin_api::SinkTarget& target,
        const std::vector<plugin_api::OutboxEvent>& events) override;

  private:
    WebhookSettings settings_;
    Poco::Net::Context::Ptr context_;  // read-only once made: shared by every delivering thread
};

}  // namespace vergegrid::event_sink
