// One HTTP POST whose whole exchange, connect to last byte, fits one deadline and one byte cap.
// Poco's HTTPClientSession applies its timeout to each socket read and reads chunk-size lines
// without a bound, so an answer trickled a byte at a time (or an endless one) held the bridge's
// thread for minutes and its memory without limit; here the socket is read directly and Poco
// parses the status line and headers from what arrived.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace vergegrid::bridge {

struct HttpPost {
    std::string host;
    std::uint16_t port = 0;
    std::string path = "/";
    std::string content_type;
    std::string body;
};

struct HttpAnswer {
    int status = 0;
    std::string body;  // de-chunked
};

// Throws XmlRpcTransportError: timed out when the deadline passes first, not timed out when the
// answer is larger than max_bytes (status line and headers included), cut short, or not HTTP.
HttpAnswer post_within(const HttpPost& post, std::chrono::steady_clock::time_point deadline,
                       std::size_t max_bytes);

}  // namespace vergegrid::bridge
