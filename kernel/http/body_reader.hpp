// Reads a request body (Content-Length or chunked) with the size limit enforced while reading, not
// after.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kernel/http/connection_lost.hpp"
#include "kernel/http/request_head.hpp"
#include "kernel/http/server_session.hpp"

namespace vergegrid::kernel::http {

// Sends "100 Continue" when the client asked for it, then reads the body. Throws ApiError 413
// when it exceeds `max_bytes`, 408 when the client stalls past the socket timeout, 400 for a
// malformed chunked encoding, and ConnectionLost when the connection ends early. A body with a
// Content-Length is read on `session` (the request's) directly, in pieces as large as the socket
// gives, and never a byte past its end; a chunked one through Poco's chunked stream.
std::string receive_body(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, ParkableSession& session,
                         const BodyFraming& framing, std::size_t max_bytes);

}  // namespace vergegrid::kernel::http
