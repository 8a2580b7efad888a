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

}  // namespace

std::string receive_body(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, const BodyFraming& framing,
                         std::size_t max_bytes) {
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
        // Straight from the streambuf: std::istream would swallow Poco's exceptions into badbit,
        // and a timeout must not look like a short body.
        std::streambuf& in = *request.stream().rdbuf();
        const std::size_t wanted = framing.content_length
                                       ? static_cast<std::size_t>(*framing.content_length)
                                       : max_bytes + 1;
        // An announced length is already within the route's limit (and a route allowed more
        // than the server's default has authenticated its caller by now). The body is read
        // straight into its string, which takes the whole announced size once the first 64 KiB
        // have arrived: no doubling copies that leave freed multi-MiB blocks in the heap, and a
        // client that announces much and sends little holds no more than 64 KiB.
        if (framing.content_length) {
            constexpr std::size_t kFirstStep = 64 * 1024;
            std::size_t filled = 0;
            while (filled < wanted) {
                body.resize(filled < kFirstStep ? std::min(wanted, kFirstStep) : wanted);
                const auto got = in.sgetn(body.data() + filled,
                                          static_cast<std::streamsize>(body.size() - filled));
                if (got <= 0) {
                    break;  // the connection ended early: reported below
                }
                filled += static_cast<std::size_t>(got);
            }
            body.resize(filled);
        } else {
            body.reserve(64 * 1024);
            std::array<char, 16 * 1024> buffer{};
            while (body.size() < wanted) {
                const auto chunk = std::min(buffer.size(), wanted - body.size());
                const auto got = in.sgetn(buffer.data(), static_cast<std::streamsize>(chunk));
                if (got > 0) {
                    body.append(buffer.data(), static_cast<std::size_t>(got));
                }
                // A short read is the end of the body. Asking again is not harmless: Poco's
                // chunked streambuf forgets it hit the last chunk and would wait for another one.
                if (got < static_cast<std::streamsize>(chunk)) {
                    break;
                }
            }
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
