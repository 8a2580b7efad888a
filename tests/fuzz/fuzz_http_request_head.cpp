// libFuzzer target: an HTTP request head as vergegrid-control's server reads it. The reactor
// first decides from the raw bytes whether the head is complete (find_head_end), a worker then
// has Poco parse it (Poco::Net::HTTPRequest::read) and checks its framing (check_request_head).
// Invariants: only Poco::Exception escapes Poco's parse and only ApiError the framing check; and a
// head the reactor calls ready (find_head_end, then parses_within) never makes Poco read past its
// end (Poco would wait for bytes the client never sends, holding a worker: the slowloris the
// reactor exists to prevent).
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "kernel/http/api_error.hpp"
#include "kernel/http/head_peek.hpp"
#include "kernel/http/request_head.hpp"

namespace {

// How far Poco read into the stream: after a failed read the stream may hold an error state.
std::size_t consumed(std::istringstream& stream, std::size_t size) {
    stream.clear();
    const auto position = stream.tellg();
    return position < 0 ? size : static_cast<std::size_t>(position);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    // What the reactor hands a worker: a head find_head_end calls complete and parses_within
    // passes (the others get 400 without Poco).
    std::size_t head_end = vergegrid::kernel::http::find_head_end(bytes);
    if (head_end != std::string_view::npos &&
        !vergegrid::kernel::http::parses_within(std::string_view(bytes).substr(0, head_end))) {
        head_end = std::string_view::npos;
    }

    std::istringstream stream(bytes);
    Poco::Net::HTTPRequest request;
    bool parsed = true;
    try {
        request.read(stream);
    } catch (const Poco::Exception&) {
        parsed = false;  // the server answers 400
    }
    if (head_end != std::string_view::npos && parsed && consumed(stream, size) > head_end) {
        __builtin_trap();  // the reactor handed over a head Poco had to read beyond
    }
    if (!parsed) {
        return 0;
    }
    (void)request.getMethod();
    (void)request.getURI();
    (void)request.getVersion();
    try {
        (void)vergegrid::kernel::http::check_request_head(request);
    } catch (const vergegrid::kernel::http::ApiError&) {
        // 400 bad_request: ambiguous body framing
    }
    return 0;
}
