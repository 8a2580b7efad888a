#include "kernel/http/head_peek.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace vergegrid::kernel::http {

namespace {

// A TLS record starts with its content type, 22 for a handshake; no HTTP method does.
constexpr char kTlsHandshakeRecord = 0x16;

// Poco's HTTPRequest::read skips these before the method (Poco::Ascii::isSpace).
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

}  // namespace

std::size_t find_head_end(std::string_view bytes) {
    std::size_t start = 0;
    while (start < bytes.size() && is_space(bytes[start])) {
        ++start;
    }
    for (auto line_end = bytes.find('\n', start); line_end != std::string_view::npos;
         line_end = bytes.find('\n', line_end + 1)) {
        const auto next = line_end + 1;
        if (next < bytes.size() && bytes[next] == '\n') {
            return next + 1;
        }
        if (next + 1 < bytes.size() && bytes[next] == '\r' && bytes[next + 1] == '\n') {
            return next + 2;
        }
    }
    return std::string_view::npos;
}

HeadState peek_head(int fd, std::size_t max_header_bytes, std::vector<char>& scratch) {
    // A head of exactly the limit still needs its blank line to be seen.
    const std::size_t limit = max_header_bytes + 4;
    scratch.resize(limit);
    ssize_t n = 0;
    do {
        n = ::recv(fd, scratch.data(), scratch.size(), MSG_PEEK | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK ? HeadState::incomplete : HeadState::closed;
    }
    if (n == 0) {
        return HeadState::closed;
    }
    const std::string_view bytes(scratch.data(), static_cast<std::size_t>(n));
    if (bytes.front() == kTlsHandshakeRecord || find_head_end(bytes) != std::string_view::npos) {
        return HeadState::ready;
    }
    if (bytes.size() < limit) {
        return HeadState::incomplete;
    }
    return bytes.find('\n') == std::string_view::npos ? HeadState::target_too_long
                                                      : HeadState::too_large;
}

}  // namespace vergegrid::kernel::http
