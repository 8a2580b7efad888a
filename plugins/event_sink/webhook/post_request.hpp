// HTTP(S) POSTs, each bounded by one deadline: name lookup aside, connecting, the TLS handshake,
// sending and reading the answer all share it, each wait getting only what is left. Redirects are
// not followed; the status alone decides. The answer's head is read (at most max_response_bytes
// of it), and its body only to keep the connection for the next post.
#pragma once

#include <Poco/Net/Context.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
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

namespace post_detail {
class Deadline;
}  // namespace post_detail

// Posts to one receiver, keeping the connection between posts (HTTP/1.1 keep-alive) while the
// receiver lets it: an answer that says "Connection: close", whose length is not announced, or
// that is longer than max_response_bytes closes it, and the next post connects again. A kept
// connection the receiver has closed meanwhile costs one more try on a new one. One thread at
// a time.
class WebhookSession {
  public:
    // `context` is used for https targets only.
    WebhookSession(WebhookTarget target, Poco::Net::Context::Ptr context,
                   std::size_t max_response_bytes);
    ~WebhookSession();
    WebhookSession(const WebhookSession&) = delete;
    WebhookSession& operator=(const WebhookSession&) = delete;

    // Never throws.
    PostOutcome post(const Headers& headers, const std::string& content_type,
                     const std::string& body, std::chrono::milliseconds deadline);

  private:
    struct Open;
    // One request and its answer; `answered` once any byte of the answer came.
    PostOutcome exchange(const Headers& headers, const std::string& content_type,
                         const std::string& body, const post_detail::Deadline& deadline,
                         bool& answered);

    WebhookTarget target_;
    Poco::Net::Context::Ptr context_;
    std::size_t max_response_bytes_;
    std::unique_ptr<Open> open_;  // the connection kept from the last post, if any
};

}  // namespace vergegrid::event_sink
