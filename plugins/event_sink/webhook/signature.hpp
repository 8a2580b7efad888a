// The webhook signature: lower-case hex of HMAC-SHA256(secret, "<timestamp>.<body>"). The
// timestamp is signed with the body so that a captured request cannot be replayed later under a
// fresh X-VergeGrid-Timestamp (docs/events.md, "Verifying a webhook").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vergegrid::event_sink {

// Throws std::runtime_error when OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The value of X-VergeGrid-Signature: "sha256=" + hmac_sha256_hex(secret, "<unix_seconds>.<body>").
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body);

}  // namespace vergegrid::event_sink
