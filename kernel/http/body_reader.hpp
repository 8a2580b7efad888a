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

namespace vergegrid::kernel::http {

// How the request says its body is delimited.
struct BodyFraming {
    bool chunked = false;
    std::optional<std::uint64_t> content_length;

    bool has_body() const { return chunked || content_length.value_or(0) > 0; }
};

// Throws ApiError 400 for framing that would let a request smuggle another one: an unknown
// Transfer-Encoding, Content-Length with Transfer-Encoding, or a Content-Length that is not a
// plain decimal number (Poco would accept "-1" or "+5").
BodyFraming body_framing(const Poco::Net::HTTPServerRequest& request);

// Sends "100 Continue" when the client asked for it, then reads the body. Throws ApiError 413
// when it exceeds `max_bytes`, 408 when the client stalls past the socket timeout, 400 for a
// malformed chunked encoding, and ConnectionLost when the connection ends early.
std::string receive_body(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, const BodyFraming& framing,
                         std::size_t max_bytes);

}  // namespace vergegrid::kernel::http
