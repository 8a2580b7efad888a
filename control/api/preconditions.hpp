// Optimistic concurrency over HTTP: responses carry the entity's version as an ETag; an update
// or delete sent with If-Match names the version it expects (the service refuses it with 412
// when the entity changed meanwhile: control/common/expected_version.hpp).
#pragma once

#include <optional>

#include "kernel/http/request.hpp"
#include "kernel/http/response.hpp"
#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::control {

// Accepts `If-Match: "1.2.3"`, `If-Match: 1.2.3` and `If-Match: *`; no header or `*` = nullopt.
// Anything else is a 400 "invalid_header".
std::optional<plugin_api::SemVer> if_match_version(const kernel::http::Request& request);

kernel::http::Response with_etag(kernel::http::Response response,
                                 const plugin_api::SemVer& version);

}  // namespace vergegrid::control
