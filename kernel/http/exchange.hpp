// One request/response exchange on a connection, from a parsed request head to the response
// sent: limits, request id, body, routing, error mapping, metrics and the access log line.
#pragma once

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>

#include <chrono>

#include "kernel/http/server_context.hpp"

namespace vergegrid::kernel::http {

struct ExchangeResult {
    bool keep_alive = false;
    // Request bytes were left unread (a rejected body): close gently or the client may see a
    // reset instead of our answer.
    bool unread_input = false;
};

// Throws ConnectionLost or a Poco exception when the connection broke; nothing can be sent then.
ExchangeResult serve_exchange(ServerContext& context, Poco::Net::HTTPServerRequestImpl& in,
                              Poco::Net::HTTPServerResponseImpl& out,
                              Poco::Net::HTTPServerSession& session,
                              std::chrono::steady_clock::time_point started);

// Answers a request Poco could not parse (header too large, malformed request line) with a JSON
// error, then the connection closes.
void reject_unparsable(ServerContext& context, Poco::Net::HTTPServerSession& session,
                       const Poco::Exception& error, std::chrono::steady_clock::time_point started);

}  // namespace vergegrid::kernel::http
