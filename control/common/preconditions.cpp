#include "control/common/preconditions.hpp"

#include <string>
#include <utility>

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;

void check_if_match(const kernel::http::Request& request, const plugin_api::SemVer& current) {
    std::string wanted = request.header("if-match");
    if (wanted.empty() || wanted == "*") {
        return;
    }
    if (wanted.size() >= 2 && wanted.front() == '"' && wanted.back() == '"') {
        wanted = wanted.substr(1, wanted.size() - 2);
    }
    if (!plugin_api::SemVer::parse(wanted)) {
        throw ApiError(400, "invalid_header", "If-Match must be a version such as \"1.2.3\"",
                       "If-Match");
    }
    if (wanted != current.to_string()) {
        throw ApiError(412, "version_mismatch",
                       "the entity is at version " + current.to_string() + ", not " + wanted +
                           "; reload and retry",
                       "If-Match");
    }
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
