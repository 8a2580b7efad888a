// What a handler returns. The server adds Content-Length, Date, X-Request-Id and Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vergegrid::kernel::http {

class ApiError;
class Deferred;

// A response body too large to hold in memory (an archive of gigabytes), pulled by the server in
// bounded buffers while it is sent. Used by one connection thread, after the handler returned.
class BodySource {
  public:
    virtual ~BodySource() = default;
    // The exact number of bytes read() will deliver: announced as Content-Length up front.
    virtual std::uint64_t size() const = 0;
    // Copies up to `capacity` bytes (never more than are left) into `buffer` and returns how many;
    // the server asks again until size() bytes came. Throwing (or returning 0 early) aborts the
    // answer: the headers are already out, so the server closes the connection and the client
    // sees a body shorter than announced, never a complete-looking one.
    virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    // Extra headers. Content-Length, Transfer-Encoding, Connection and X-Request-Id belong to
    // the server and are ignored here.
    std::vector<std::pair<std::string, std::string>> headers;
    // Set: not an answer yet, the connection is parked until the Deferred answers (see
    // deferred.hpp); the other fields are ignored.
    std::shared_ptr<Deferred> deferred = nullptr;
    // Set: the body comes from this source instead of `body` (which is ignored), with
    // Content-Length = stream->size(); a HEAD request gets the headers only and nothing is read.
    std::shared_ptr<BodySource> stream = nullptr;

    // Invalid UTF-8 in strings is replaced (U+FFFD) rather than thrown half-way through a reply.
    static Response json(int status, const nlohmann::json& body);
    // A JSON answer that carries a secret (a token, a key): Cache-Control: no-store, so no proxy
    // or browser cache keeps a copy.
    static Response secret_json(int status, const nlohmann::json& body);
    // The default content type is the Prometheus text format's.
    static Response text(int status, std::string body,
                         std::string content_type = "text/plain; version=0.0.4");
    // A body streamed from `source`; the default content type suits an archive.
    static Response streamed(int status, std::shared_ptr<BodySource> source,
                             std::string content_type = "application/octet-stream");
    // The error's status and its {"error":{...}} body.
    static Response error(const ApiError& error);
};

}  // namespace vergegrid::kernel::http
