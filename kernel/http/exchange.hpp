// One request/response exchange on a connection, from a parsed request head to the response
// sent: limits, request id, body, routing, error mapping, metrics and the access log line.
#pragma once

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "kernel/http/deferred.hpp"
#include "kernel/http/response.hpp"
#include "kernel/http/server_context.hpp"
#include "kernel/http/server_session.hpp"

namespace vergegrid::kernel::http {

// What writing the answer of a request needs once the request object is gone (a long poll
// answered later, from another thread).
struct PendingExchange {
    std::string request_id;
    std::string method;
    std::string route;
    std::string path;
    std::string version;  // HTTP/1.0 or HTTP/1.1
    std::chrono::steady_clock::time_point started;
    bool keep_alive_allowed = false;  // by the request, the session and the server settings
    bool unread_input = false;
};

struct ExchangeResult {
    bool keep_alive = false;
    // Request bytes were left unread (a rejected body): close gently or the client may see a
    // reset instead of our answer.
    bool unread_input = false;
    // Set when the handler deferred its answer: nothing was written yet; `pending` says how to
    // write it.
    std::shared_ptr<Deferred> deferred;
    PendingExchange pending;
};

// Throws ConnectionLost or a Poco exception when the connection broke; nothing can be sent then.
ExchangeResult serve_exchange(ServerContext& context, Poco::Net::HTTPServerRequestImpl& in,
                              Poco::Net::HTTPServerResponseImpl& out, ParkableSession& session,
                              std::chrono::steady_clock::time_point started);

// Reads the next request head on the session and serves it (a request Poco cannot parse gets its
// JSON error and the connection closes). `head_read`, when set, runs once the head has been read
// (or failed to be). Throws like serve_exchange().
ExchangeResult serve_next_request(ServerContext& context, ParkableSession& session,
                                  const std::function<void()>& head_read = {});

// Writes the answer of a request whose handler deferred it: metrics, log line, response with
// Connection: close when the server is draining. Throws ConnectionLost or a Poco exception when
// the client is gone.
ExchangeResult finish_exchange(ServerContext& context, Poco::Net::HTTPServerSession& session,
                               const PendingExchange& pending, const Response& response);

// Answers a request Poco could not parse (header too large, malformed request line) with a JSON
// error, then the connection closes.
void reject_unparsable(ServerContext& context, Poco::Net::HTTPServerSession& session,
                       const Poco::Exception& error, std::chrono::steady_clock::time_point started);

// Answers a request head larger than max_header_bytes, seen before Poco read any of it, with a
// JSON 431 (414 when `target_too_long`: not even its request line ended); then the connection
// closes.
void reject_head_too_large(ServerContext& context, Poco::Net::HTTPServerSession& session,
                           bool target_too_long);

// Answers a complete request head that Poco would read past (see parses_within) with a JSON 400,
// before Poco reads any of it; then the connection closes.
void reject_malformed_head(ServerContext& context, Poco::Net::HTTPServerSession& session);

// Answers a TLS handshake sent to a plain HTTP port with a JSON 400, in plain HTTP (which the
// client's TLS layer reports at once as not TLS), then the connection closes. Without it, Poco
// could take the ClientHello's bytes for the start of a request line and wait for its end until
// request_timeout.
void reject_tls_handshake(ServerContext& context, Poco::Net::HTTPServerSession& session);

}  // namespace vergegrid::kernel::http
