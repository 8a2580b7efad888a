#include "kernel/http/response_writer.hpp"

#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <string_view>

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
    out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
    // Not sendBuffer(): Poco 1.11 silently drops the body when no request object is attached to
    // the response, which is the case when answering a request Poco could not parse.
    std::ostream& body = out.send();
    if (send_body) {
        body.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
    }
    body.flush();
    // std::ostream turns Poco's send errors into badbit; surface them so the connection closes
    // instead of waiting for a next request on a dead socket.
    if (!body) {
        throw ConnectionLost("the response could not be sent");
    }
}

}  // namespace vergegrid::kernel::http
