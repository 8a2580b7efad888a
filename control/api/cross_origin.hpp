// Cross-site request forgery guard for the web console's session cookie. The cookie is
// SameSite=Strict, but a "site" ignores the port: a page on another port of the same
// host would still send it. So a request that changes something on the strength of the cookie
// alone must come from the console's own origin, as the browser reports it: Sec-Fetch-Site
// "same-origin" (or "none", typed by the user), else an Origin header equal to the Host. Clients
// that send neither are not browsers and cannot be forged into sending a cookie.
#pragma once

#include "kernel/http/request.hpp"

namespace vergegrid::control {

// Throws ApiError 403 "cross_origin" (field "Origin") for a state-changing request from another
// origin; GET, HEAD and OPTIONS always pass.
void require_same_origin(const kernel::http::Request& request);

}  // namespace vergegrid::control
