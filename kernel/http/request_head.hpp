// The checks a request head must pass before its body is framed: one pure function, so that a
// fuzzer can call it on any parsed head.
#pragma once

#include <Poco/Net/HTTPRequest.h>

#include <cstdint>
#include <optional>

namespace vergegrid::kernel::http {

// How the request says its body is delimited.
struct BodyFraming {
    bool chunked = false;
    std::optional<std::uint64_t> content_length;  // unset: no Content-Length field

    bool has_body() const { return chunked || content_length.value_or(0) > 0; }
};

// Throws ApiError 400 "bad_request" when the head frames its body ambiguously, which a proxy in
// front could read differently (request smuggling): Content-Length more than once (even with equal
// values), Content-Length with Transfer-Encoding, Transfer-Encoding more than once or other than
// "chunked", or a Content-Length that is not a plain decimal number (Poco would accept "-1" or
// "+5"). Otherwise says how the body is framed.
BodyFraming check_request_head(const Poco::Net::HTTPRequest& head);

}  // namespace vergegrid::kernel::http
