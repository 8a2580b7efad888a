// The sim bridge's HTTP(S) client for the control plane. Over https it trusts only the CAs of a
// configured file, requires the certificate to name the host of the URL, and never accepts a
// certificate that fails either check.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim_channel_client/channel_endpoint.hpp"

namespace vergegrid::sim_channel {

struct ChannelClientSettings {
    ChannelEndpoint endpoint;
    // PEM file with the CA certificate(s) that signed the control plane's certificate; required
    // for https. Only these are trusted: the system store is not consulted (point this at
    // /etc/ssl/certs/ca-certificates.crt for a certificate from a public CA).
    std::filesystem::path ca_file;
    // Plain http to a host other than the loopback one (see check_transport_policy).
    bool allow_insecure_http = false;
    std::chrono::milliseconds connect_timeout{5000};   // TCP connect plus TLS handshake
    std::chrono::milliseconds request_timeout{30000};  // each send and receive; see timeout below
    std::size_t max_response_bytes = 16 * 1024 * 1024;
    std::string user_agent = "vergegrid-sim-channel";
};

struct ChannelResponse;

// Takes a 2xx response's body piece by piece (the response's status and headers come first, its
// body stays empty): a download of any size through one bounded buffer.
using BodySink = std::function<void(const ChannelResponse& head, std::string_view piece)>;

struct ChannelRequest {
    std::string method = "GET";
    std::string path = "/";                   // absolute, with the query if any: "/api/v1/version"
    std::optional<nlohmann::json> json_body;  // sent as application/json
    std::string bearer_token;                 // "Authorization: Bearer <token>" when not empty
    std::vector<std::pair<std::string, std::string>> headers;  // more headers (If-Match, ...)
    // Replaces request_timeout for this request: a long poll waits longer than a plain call.
    std::optional<std::chrono::milliseconds> timeout;
    // Raw bytes sent as the body (with raw_content_type) when json_body is not set; the caller
    // keeps them alive for the call: an upload chunk is never copied.
    std::string_view raw_body;
    std::string raw_content_type = "application/octet-stream";
    // When set, a 2xx body goes here instead of into ChannelResponse::body, without the
    // max_response_bytes limit (error bodies are still read into `body`, limited).
    BodySink body_sink;
};

struct ChannelResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names in lower case

    std::string header(const std::string& lower_case_name) const;
    // The body parsed; throws ChannelError (protocol) when it is not JSON.
    nlohmann::json json() const;
};

// The exchange did not happen or did not complete. HTTP error statuses are responses, not this.
class ChannelError : public std::runtime_error {
  public:
    enum class Kind {
        connect,      // name not resolved, connection refused, network unreachable
        timeout,      // connect, handshake, send or receive took too long
        certificate,  // the server's certificate is not signed by the CA file or does not name
                      // the host
        tls,          // the TLS handshake failed otherwise (no common protocol, not a TLS server)
        transport,    // the connection broke during the exchange
        protocol,     // the answer is not HTTP, too large, or not the JSON asked for
    };
    ChannelError(Kind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

  private:
    Kind kind_;
};

std::string to_string(ChannelError::Kind kind);

// Sends one request to the control plane: ChannelClient to one URL, FailoverClient
// (failover_client.hpp) to the URL in use of a list.
class ChannelRequester {
  public:
    virtual ~ChannelRequester() = default;
    // Throws ChannelError when the exchange fails; an HTTP error status is a response.
    virtual ChannelResponse request(const ChannelRequest& request) const = 0;
};

class ChannelClient final : public ChannelRequester {
  public:
    // Applies check_transport_policy() and loads the CA file. Throws InsecureChannelError or
    // ChannelConfigError naming the URL or the file.
    explicit ChannelClient(ChannelClientSettings settings);
    ~ChannelClient() override;
    ChannelClient(const ChannelClient&) = delete;
    ChannelClient& operator=(const ChannelClient&) = delete;

    // One request on its own connection (closed after the response: nothing stale to reuse, and
    // a long poll holds no one else up). Safe to call from several threads at once. Throws
    // ChannelError when the exchange fails, std::invalid_argument for a malformed request.
    ChannelResponse request(const ChannelRequest& request) const override;
    ChannelResponse request(std::string method, std::string path,
                            std::optional<nlohmann::json> json_body = std::nullopt,
                            std::string bearer_token = {}) const;

    const ChannelEndpoint& endpoint() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vergegrid::sim_channel
