// Optimistic concurrency: responses carry the entity's version as an ETag; an update or delete
// sent with If-Match is refused with 412 when the entity changed meanwhile.
#pragma once

#include "kernel/http/request.hpp"
#include "kernel/http/response.hpp"
#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::control {

// Accepts `If-Match: "1.2.3"`, `If-Match: 1.2.3` and `If-Match: *`; no header = no check.
void check_if_match(const kernel::http::Request& request, const plugin_api::SemVer& current);

kernel::http::Response with_etag(kernel::http::Response response,
                                 const plugin_api::SemVer& version);

}  // namespace vergegrid::control
