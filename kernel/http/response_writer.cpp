#include "kernel/http/response_writer.hpp"

#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <string_view>
#include <vector>

#include "kernel/http/connection_lost.hpp"

namespace vergegrid::kernel::http {

namespace {

bool is_token(std::string_view name) {
    constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               kExtra.find(c) != std::string_view::npos;
    });
}

bool is_server_owned(const std::string& name) {
    static constexpr std::array<const char*, 4> kOwned = {"Content-Length", "Transfer-Encoding",
                                                          "Connection", "X-Request-Id"};
    return std::any_of(kOwned.begin(), kOwned.end(),
                       [&](const char* owned) { return Poco::icompare(name, owned) == 0; });
}

bool is_safe_value(std::string_view value) {
    return value.find_first_of("\r\n") == std::string_view::npos;
}

// A streamed body moves through one buffer of this size: memory stays flat whatever its length.
constexpr std::size_t kStreamBuffer = 256 * 1024;

void throw_if_unsent(const std::ostream& body) {
    // std::ostream turns Poco's send errors into badbit; surface them so the connection closes
    // instead of waiting for a next request on a dead socket.
    if (!body) {
        throw ConnectionLost("the response could not be sent");
    }
}

void send_stream(std::ostream& body, BodySource& source, std::uint64_t size) {
    std::vector<char> buffer(
        static_cast<std::size_t>(std::min<std::uint64_t>(kStreamBuffer, size)));
    std::uint64_t left = size;
    while (left > 0) {
        const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), left));
        std::size_t got = 0;
        try {
            got = source.read(buffer.data(), wanted);
        } catch (const std::exception& e) {
            throw StreamAborted(std::string("the response body source failed: ") + e.what());
        } catch (...) {
            throw StreamAborted("the response body source failed");
        }
        if (got == 0) {
            throw StreamAborted("the response body source ran dry after " +
                                std::to_string(size - left) + " of the " + std::to_string(size) +
                                " bytes it announced");
        }
        if (got > wanted) {
            throw StreamAborted("the response body source returned more bytes than asked for");
        }
        body.write(buffer.data(), static_cast<std::streamsize>(got));
        throw_if_unsent(body);
        left -= got;
    }
}

}  // namespace

void write_response(Poco::Net::HTTPServerResponse& out, const Response& response,
                    const std::string& request_id, bool keep_alive, bool send_body) {
    const int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    out.setDate(Poco::Timestamp());
    out.set("X-Request-Id", request_id);
    for (const auto& [name, value] : response.headers) {
        if (is_token(name) && is_safe_value(value) && !is_server_owned(name)) {
            out.add(name, value);
        }
    }
    out.setKeepAlive(keep_alive);
    // These statuses carry no body, and 204/304 must not even announce a length.
    if (status < 200 || status == 204 || status == 304) {
        out.send().flush();
        return;
    }
    out.setContentType(response.content_type);
    std::uint64_t size = response.body.size();
    if (response.stream) {
        try {
            size = response.stream->size();
        } catch (const std::exception& e) {
            throw StreamAborted(std::string("the response body source has no size: ") + e.what());
        }
    }
    out.setContentLength64(static_cast<Poco::Int64>(size));
    // Not sendBuffer(): Poco 1.11 silently drops the body when no request object is attached to
    // the response, which is the case when answering a request Poco could not parse.
    std::ostream& body = out.send();
    if (send_body && response.stream) {
        send_stream(body, *response.stream, size);
    } else if (send_body) {
        body.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
    }
    body.flush();
    throw_if_unsent(body);
}

}  // namespace vergegrid::kernel::http
