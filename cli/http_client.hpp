// The HTTP exchange with the control plane: one keep-alive Poco session, a Bearer token when one
// is set, bounded time and answer size. Knows nothing of JSON or of the API's routes.
#pragma once

#include <chrono>
#include <memory>
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
    std::string body;
};

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
    const ServerUrl& server() const { return server_; }

  private:
    HttpResponse exchange(const HttpRequest& request);
    Poco::Net::HTTPClientSession& session();

    ServerUrl server_;
    std::string token_;
    std::chrono::seconds timeout_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    bool session_used_ = false;
};

}  // namespace vergegrid::cli
