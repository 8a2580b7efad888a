#include "kernel/http/head_peek.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <sys/socket.h>

#include <cerrno>
#include <istream>
#include <streambuf>

namespace vergegrid::kernel::http {

namespace {

// A TLS record starts with its content type, 22 for a handshake; no HTTP method does.
constexpr char kTlsHandshakeRecord = 0x16;

// Poco's HTTPRequest::read skips these before the method (Poco::Ascii::isSpace).
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// A read-only buffer over the head that remembers whether its reader wanted a byte past the end
// (an underflow), whether by get(), peek() or the streambuf's own sbumpc().
class EndWatchingBuffer : public std::streambuf {
  public:
    explicit EndWatchingBuffer(std::string_view bytes) {
        char* begin = const_cast<char*>(bytes.data());  // never written: no put area
        setg(begin, begin, begin + bytes.size());
    }
    bool wanted_more() const { return wanted_more_; }

  protected:
    int_type underflow() override {
        wanted_more_ = true;
        return traits_type::eof();
    }

  private:
    bool wanted_more_ = false;
};

// The request line of nearly every client: three tokens with one space between them, then the
// line end. Poco reads such a line to its end and no further, so the full parse can be skipped.
bool plain_request_line(std::string_view head) {
    std::size_t at = 0;
    while (at < head.size() && is_space(head[at])) {
        ++at;
    }
    for (int token = 0; token < 3; ++token) {
        const std::size_t begin = at;
        while (at < head.size() && !is_space(head[at])) {
            ++at;
        }
        if (at == begin || at == head.size()) {
            return false;
        }
        if (token < 2) {
            if (head[at] != ' ') {
                return false;
            }
            ++at;
        }
    }
    return head.compare(at, 2, "\r\n") == 0 || head[at] == '\n';
}

}  // namespace

bool parses_within(std::string_view head) {
    if (plain_request_line(head)) {
        return true;  // the header lines Poco stops at the blank line find_head_end found
    }
    EndWatchingBuffer buffer(head);
    std::istream stream(&buffer);
    Poco::Net::HTTPRequest request;
    try {
        request.read(stream);
    } catch (const Poco::Exception&) {
        // Refused within the head: Poco refuses it the same way on the socket (400).
    }
    return !buffer.wanted_more();
}

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
    if (bytes.front() == kTlsHandshakeRecord) {
        return HeadState::ready;
    }
    if (const auto end = find_head_end(bytes); end != std::string_view::npos) {
        return parses_within(bytes.substr(0, end)) ? HeadState::ready : HeadState::malformed;
    }
    if (bytes.size() < limit) {
        return HeadState::incomplete;
    }
    return bytes.find('\n') == std::string_view::npos ? HeadState::target_too_long
                                                      : HeadState::too_large;
}

}  // namespace vergegrid::kernel::http
