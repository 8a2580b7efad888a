// The event_sink plugins this control plane loaded (events.sinks), by plugin name.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "vergegrid/plugin_api/event_sink.hpp"

namespace vergegrid::control {

using EventSinks = std::map<std::string, std::shared_ptr<plugin_api::EventSink>>;

inline constexpr const char* kWebhookSink = "webhook";

// The subscription id of a sink that is one destination configured in the INI file.
inline std::string configured_subscription_id(const std::string& sink) {
    return "sink:" + sink;
}

}  // namespace vergegrid::control
