#include "control/api/preconditions.hpp"

#include <string>
#include <utility>

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;

std::optional<plugin_api::SemVer> if_match_version(const kernel::http::Request& request) {
    std::string wanted = request.header("if-match");
    if (wanted.empty() || wanted == "*") {
        return std::nullopt;
    }
    if (wanted.size() >= 2 && wanted.front() == '"' && wanted.back() == '"') {
        wanted = wanted.substr(1, wanted.size() - 2);
    }
    auto version = plugin_api::SemVer::parse(wanted);
    if (!version) {
        throw ApiError(400, "invalid_header", "If-Match must be a version such as \"1.2.3\"",
                       "If-Match");
    }
    return version;
}

kernel::http::Response with_etag(kernel::http::Response response,
                                 const plugin_api::SemVer& version) {
    // Built in steps: g++ 12 -O3 reports a false -Wrestrict on "\"" + std::string&&.
    std::string etag = "\"";
    etag += version.to_string();
    etag += '"';
    response.headers.emplace_back("ETag", std::move(etag));
    return response;
}

}  // namespace vergegrid::control
