// A deliberately low-level HTTP client for tests: it sends exactly the bytes it is given, so a
// test can stop half-way through a request, send chunked bodies or oversized heads.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vergegrid::test {

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;

    std::string header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// "METHOD target HTTP/1.1" with Host, the given headers and, when a body is given, its
// Content-Length.
std::string http_request(const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::string& body = {});

// Once set (the server tests built for TLS do), RawClient speaks TLS with this client context;
// null, the default, means plain TCP.
void set_raw_client_tls(Poco::Net::Context::Ptr client_context);

class RawClient {
  public:
    explicit RawClient(std::uint16_t port,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    // Plain TCP when `tls` is null, whatever set_raw_client_tls() said.
    RawClient(std::uint16_t port, std::chrono::milliseconds timeout, Poco::Net::Context::Ptr tls);

    void send(std::string_view bytes);
    // Reads one final response (skipping 100 Continue). Throws on timeout or early end.
    HttpReply read_reply();
    // Reads the head of one final response (skipping 100 Continue), leaving its body unread for
    // read_some(): a test can take a body far larger than it wants to hold.
    HttpReply read_reply_head();
    // Up to `capacity` bytes of what follows the head (buffered bytes first); 0 when the server
    // closed the connection. Throws on timeout or reset.
    std::size_t read_some(char* buffer, std::size_t capacity);
    HttpReply exchange(std::string_view request) {
        send(request);
        return read_reply();
    }
    // Closes with a reset (SO_LINGER 0) instead of a FIN.
    void abort();
    // True when the server ends the connection (FIN or reset) within `wait` and sends nothing.
    bool closed_by_server(std::chrono::milliseconds wait);

  private:
    bool receive_more();  // false at end of stream

    Poco::Net::StreamSocket socket_;
    std::string buffer_;
};

// True when a TCP connect to 127.0.0.1:port is refused.
bool connection_refused(std::uint16_t port);

}  // namespace vergegrid::test
