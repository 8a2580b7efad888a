#include "kernel/http/request_head.hpp"

#include <Poco/String.h>

#include <charconv>
#include <string>
#include <vector>

#include "kernel/http/api_error.hpp"

namespace vergegrid::kernel::http {

namespace {

std::vector<std::string> values_of(const Poco::Net::HTTPRequest& head, const std::string& name) {
    std::vector<std::string> values;
    for (const auto& [field, value] : head) {
        if (Poco::icompare(field, name) == 0) {
            values.push_back(value);
        }
    }
    return values;
}

ApiError framing_error(const std::string& message, const std::string& field) {
    return ApiError(400, "bad_request", message, field);
}

}  // namespace

BodyFraming check_request_head(const Poco::Net::HTTPRequest& head) {
    const auto lengths = values_of(head, Poco::Net::HTTPMessage::CONTENT_LENGTH);
    const auto encodings = values_of(head, Poco::Net::HTTPMessage::TRANSFER_ENCODING);
    if (lengths.size() > 1) {
        throw framing_error("Content-Length must be sent once", "Content-Length");
    }
    if (encodings.size() > 1) {
        throw framing_error("Transfer-Encoding must be sent once", "Transfer-Encoding");
    }
    BodyFraming framing;
    if (!encodings.empty()) {
        if (!lengths.empty()) {
            throw framing_error("Content-Length and Transfer-Encoding must not be sent together",
                                "Content-Length");
        }
        if (Poco::icompare(encodings.front(), Poco::Net::HTTPMessage::CHUNKED_TRANSFER_ENCODING) !=
            0) {
            throw framing_error("only the chunked transfer encoding is supported",
                                "Transfer-Encoding");
        }
        framing.chunked = true;
        return framing;
    }
    if (!lengths.empty()) {
        const std::string& text = lengths.front();
        std::uint64_t length = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
            throw framing_error("invalid Content-Length", "Content-Length");
        }
        framing.content_length = length;
    }
    return framing;
}

}  // namespace vergegrid::kernel::http
