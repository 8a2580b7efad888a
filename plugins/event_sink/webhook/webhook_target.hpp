// A webhook subscription's target settings: {"url": "https://...", "secret": "..."}, checked
// when the subscription is made and read again for every delivery.
#pragma once

#include <cstdint>
#include <string>

namespace vergegrid::event_sink {

inline constexpr std::size_t kMaxUrlBytes = 2048;
inline constexpr std::size_t kMinSecretBytes = 16;
inline constexpr std::size_t kMaxSecretBytes = 256;

struct WebhookTarget {
    std::string url;
    std::string secret;
    bool https = true;
    std::string host;  // without IPv6 brackets
    std::uint16_t port = 443;
    std::string path_and_query;  // "/" at the least; as sent on the request line
};

// Parses and checks the target JSON text. Throws plugin_api::TargetError naming the field
// ("url", "secret"; "target" when the text is not a JSON object). http:// URLs only when
// `allow_http`.
WebhookTarget parse_webhook_target(const std::string& json_text, bool allow_http);

// The normalised text to store: {"secret":"...","url":"..."} and nothing else.
std::string webhook_target_json(const WebhookTarget& target);

}  // namespace vergegrid::event_sink
