// The HTTP exchange with the control plane: one keep-alive Poco session, a Bearer token when one
// is set, bounded time and answer size. Knows nothing of JSON or of the API's routes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/server_url.hpp"

namespace Poco::Net {
class HTTPClientSession;
}

namespace vergegrid::cli {

struct HttpRequest {
    std::string method;
    std::string target;  // path and query below the server URL's base path, e.g. "/api/v1/regions"
    std::optional<std::string> body;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
    int status = 0;
    std::string reason;
    std::string content_type;
    std::string body;                  // empty when streamed to a sink
    std::string content_range{};       // "bytes S-E/T" of a 206, else empty
    std::int64_t content_length = -1;  // -1 when the server did not say
};

// Receives a streamed body in chunks of at most kStreamChunkBytes.
using BodySink = std::function<void(const char* data, std::size_t size)>;
// Called with the head of a 200 or 206 answer (no body yet); returns where the body goes.
using SinkOpener = std::function<BodySink(const HttpResponse& head)>;
inline constexpr std::size_t kStreamChunkBytes = 64 * 1024;

inline constexpr std::size_t kMaxAnswerBytes = 64 * 1024 * 1024;

// Whether this build speaks https (Poco NetSSL was found at configure time).
bool https_supported();

class HttpClient {
  public:
    HttpClient(ServerUrl server, std::string token, std::chrono::seconds timeout);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Throws CliError(unreachable) when the exchange fails, CliError(server_error) when the
    // answer exceeds kMaxAnswerBytes. A GET on a reused connection is retried once.
    HttpResponse send(const HttpRequest& request);
    // As send(), but the body of a 200 or 206 answer goes to `sink` chunk by chunk and is never
    // held whole (downloads of any size); any other answer's body is read as send() reads it.
    HttpResponse stream(const HttpRequest& request, const SinkOpener& open);
    const ServerUrl& server() const { return server_; }
    // Called from another thread: ends the exchange in progress (a parked event stream) by shutting
    // its connection down, and makes every later exchange fail at once (CliError unreachable).
    void interrupt();

  private:
    HttpResponse exchange(const HttpRequest& request, const SinkOpener* open);
    HttpResponse send_with_retry(const HttpRequest& request, const SinkOpener* open);
    Poco::Net::HTTPClientSession& session();
    void drop_session();

    ServerUrl server_;
    std::string token_;
    std::chrono::seconds timeout_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    bool session_used_ = false;
    std::mutex session_mutex_;  // session_'s lifetime against interrupt() from another thread
    bool interrupted_ = false;
};

}  // namespace vergegrid::cli
