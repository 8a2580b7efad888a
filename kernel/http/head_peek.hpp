// Whether a whole request head already waits in a socket's receive buffer, seen with MSG_PEEK so
// that the bytes stay there for Poco to parse. A connection goes to a worker thread only once its
// head is complete: a client sending its head slowly then holds no thread, only a descriptor.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace vergegrid::kernel::http {

// Offset just past the blank line that ends the head in `bytes`, or npos. Matches how Poco reads
// a head: leading white space is skipped, lines end in LF or CRLF, and the first empty line ends
// the head. Errs towards "not yet": a head it calls complete must not make Poco wait for more.
std::size_t find_head_end(std::string_view bytes);

// Whether Poco's parser (HTTPRequest::read), given exactly `head`, stops inside it: a request line
// without its version ("GET /" and a blank line) makes Poco read on past the blank line for the
// missing token, which on a socket means waiting for bytes a hostile client never sends, on a
// worker thread. Found by tests/fuzz http_request_head.
bool parses_within(std::string_view head);

enum class HeadState {
    ready,            // a complete head (or a TLS ClientHello, answered at once): serve it
    malformed,        // complete, but Poco would read past its end: answer 400 without Poco
    incomplete,       // wait for more bytes
    too_large,        // more than the allowed head bytes and still no end: answer 431
    target_too_long,  // too_large, and not even the request line ended: answer 414
    closed,           // the client closed or reset the connection before sending a head
};

// Peeks (without blocking) at what `fd` holds. `scratch` is reused between calls.
HeadState peek_head(int fd, std::size_t max_header_bytes, std::vector<char>& scratch);

}  // namespace vergegrid::kernel::http
