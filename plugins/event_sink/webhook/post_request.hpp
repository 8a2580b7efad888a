// One HTTP(S) POST bounded by one deadline: name lookup aside, connecting, the TLS handshake,
// sending and reading the answer's head all share it, each wait getting only what is left.
// Redirects are not followed; only the answer's status line and headers are read (at most
// max_response_bytes of them), since the status alone decides.
#pragma once

#include <Poco/Net/Context.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "webhook_target.hpp"

namespace vergegrid::event_sink {

struct PostOutcome {
    int status = 0;     // the answer's status, 0 when none came
    std::string error;  // empty when the status is 2xx
};

// A strict TLS client context (ssl_runtime's rules and ciphers: VERIFY_STRICT, the host name
// checked, TLS 1.2 at the least) trusting the system's CAs and, when given, the CAs in
// `extra_ca_file` too. Throws Poco::Exception when the file cannot be used.
Poco::Net::Context::Ptr webhook_tls_context(
    const std::optional<std::filesystem::path>& extra_ca_file);

using Headers = std::vector<std::pair<std::string, std::string>>;

// Never throws. `context` is used for https targets only.
PostOutcome post_within(const WebhookTarget& target, const Headers& headers,
                        const std::string& content_type, const std::string& body,
                        const Poco::Net::Context::Ptr& context, std::chrono::milliseconds deadline,
                        std::size_t max_response_bytes);

}  // namespace vergegrid::event_sink
