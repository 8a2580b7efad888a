// Reads a request body through Poco's framing streams (Content-Length or chunked) with the size
// limit enforced while reading, not after.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kernel/http/connection_lost.hpp"
#include "kernel/http/request_head.hpp"

namespace vergegrid::kernel::http {

// Sends "100 Continue" when the client asked for it, then reads the body. Throws ApiError 413
// when it exceeds `max_bytes`, 408 when the client stalls past the socket timeout, 400 for a
// malformed chunked encoding, and ConnectionLost when the connection ends early.
std::string receive_body(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, const BodyFraming& framing,
                         std::size_t max_bytes);

}  // namespace vergegrid::kernel::http
