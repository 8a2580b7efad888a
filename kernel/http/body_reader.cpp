#include "kernel/http/body_reader.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>

#include <algorithm>
#include <array>
#include <istream>

#include "kernel/http/api_error.hpp"

namespace vergegrid::kernel::http {

namespace {

ApiError too_large(std::size_t max_bytes) {
    return ApiError(413, "payload_too_large",
                    "the request body exceeds " + std::to_string(max_bytes) + " bytes");
}

// A body of `wanted` bytes (already within the route's limit, and a route allowed more than the
// server's default has authenticated its caller by now), read straight into its string, which
// takes the whole size once the first 64 KiB have arrived: no doubling copies that leave freed
// multi-MiB blocks in the heap, and a client that announces much and sends little holds no more
// than 64 KiB. Not through Poco's Content-Length stream, which would receive 4 KiB at a time:
// each read asks the socket for all that is missing (Poco's buffered bytes come first), so a
// chunk of megabytes takes a few dozen receives, not thousands. Fewer bytes than wanted means
// the connection ended early.
std::string read_sized_body(ParkableSession& session, std::size_t wanted) {
    constexpr std::size_t kFirstStep = 64 * 1024;
    constexpr std::size_t kLargestRead = std::size_t{1} << 30;  // read() counts in int
    std::string body;
    std::size_t filled = 0;
    while (filled < wanted) {
        body.resize(filled < kFirstStep ? std::min(wanted, kFirstStep) : wanted);
        const auto asked = std::min(body.size() - filled, kLargestRead);
        const int got = session.read(body.data() + filled, static_cast<std::streamsize>(asked));
        if (got <= 0) {
            break;
        }
        filled += static_cast<std::size_t>(got);
    }
    body.resize(filled);
    return body;
}

// A chunked body: up to max_bytes + 1 bytes, so that the caller sees one too many.
std::string read_chunked_body(std::streambuf& in, std::size_t max_bytes) {
    // Straight from the streambuf: std::istream would swallow Poco's exceptions into badbit,
    // and a timeout must not look like a short body.
    std::string body;
    body.reserve(64 * 1024);
    std::array<char, 16 * 1024> buffer{};
    const std::size_t wanted = max_bytes + 1;
    while (body.size() < wanted) {
        const auto chunk = std::min(buffer.size(), wanted - body.size());
        const auto got = in.sgetn(buffer.data(), static_cast<std::streamsize>(chunk));
        if (got > 0) {
            body.append(buffer.data(), static_cast<std::size_t>(got));
        }
        // A short read is the end of the body. Asking again is not harmless: Poco's chunked
        // streambuf forgets it hit the last chunk and would wait for another one.
        if (got < static_cast<std::streamsize>(chunk)) {
            break;
        }
    }
    return body;
}

}  // namespace

std::string receive_body(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, ParkableSession& session,
                         const BodyFraming& framing, std::size_t max_bytes) {
    if (framing.content_length && *framing.content_length > max_bytes) {
        throw too_large(max_bytes);
    }
    if (!framing.has_body()) {
        // Without Content-Length or chunked a request has no body (RFC 9112 6.3); reading
        // Poco's stream here would wait for the client to close the connection.
        return {};
    }
    std::string body;
    try {
        if (request.getExpectContinue()) {
            response.sendContinue();
        }
        if (framing.content_length) {
            body = read_sized_body(session, static_cast<std::size_t>(*framing.content_length));
        } else {
            body = read_chunked_body(*request.stream().rdbuf(), max_bytes);
        }
    } catch (const Poco::TimeoutException&) {
        throw ApiError(408, "request_timeout", "the request body did not arrive in time");
    } catch (const Poco::Net::MessageException&) {
        throw ApiError(400, "bad_request", "malformed chunked request body");
    } catch (const Poco::Exception& e) {
        throw ConnectionLost(e.displayText());
    }
    if (body.size() > max_bytes) {
        throw too_large(max_bytes);
    }
    if (framing.content_length && body.size() < *framing.content_length) {
        throw ConnectionLost("connection closed before the request body was complete");
    }
    return body;
}

}  // namespace vergegrid::kernel::http
