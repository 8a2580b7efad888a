// POST /api/v1/auth/login-link {"secret"}: a one-time login link's secret exchanged for a web
// session (the same cookie as a password login). 401 "login_link_invalid" naming "secret" when
// the link is unknown, used, expired or revoked; 429 "too_many_attempts" when the address is
// throttled.
#pragma once

#include <memory>

#include "control/access/login_link_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_login_link_routes(kernel::http::Router& router,
                           std::shared_ptr<const LoginLinkService> links, bool secure_cookie);

}  // namespace vergegrid::control
