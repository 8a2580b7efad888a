#include "control/api/cross_origin.hpp"

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

namespace {

// "http://host:port" → "host:port"; the scheme is dropped because the Host header has none.
std::string origin_authority(const std::string& origin) {
    const auto scheme_end = origin.find("://");
    return scheme_end == std::string::npos ? origin : origin.substr(scheme_end + 3);
}

}  // namespace

void require_same_origin(const kernel::http::Request& request) {
    if (request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS") {
        return;
    }
    const std::string site = request.header("sec-fetch-site");
    if (!site.empty()) {
        if (site == "same-origin" || site == "none") {
            return;
        }
        throw kernel::http::ApiError(
            403, "cross_origin",
            "a session may not be used from another site (Sec-Fetch-Site: " + site + ")",
            "Sec-Fetch-Site");
    }
    const std::string origin = request.header("origin");
    if (origin.empty()) {
        return;
    }
    if (origin == "null" || origin_authority(origin) != request.header("host")) {
        throw kernel::http::ApiError(
            403, "cross_origin", "a session may not be used from another origin (" + origin + ")",
            "Origin");
    }
}

}  // namespace vergegrid::control
