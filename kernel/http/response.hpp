// What a handler returns. The server adds Content-Length, Date, X-Request-Id and Connection.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vergegrid::kernel::http {

class ApiError;
class Deferred;

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

    // Invalid UTF-8 in strings is replaced (U+FFFD) rather than thrown half-way through a reply.
    static Response json(int status, const nlohmann::json& body);
    // A JSON answer that carries a secret (a token, a key): Cache-Control: no-store, so no proxy
    // or browser cache keeps a copy.
    static Response secret_json(int status, const nlohmann::json& body);
    // The default content type is the Prometheus text format's.
    static Response text(int status, std::string body,
                         std::string content_type = "text/plain; version=0.0.4");
    // The error's status and its {"error":{...}} body.
    static Response error(const ApiError& error);
};

}  // namespace vergegrid::kernel::http
