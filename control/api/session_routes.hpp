// The web console's session: POST /api/v1/auth/login (throttled, audited, the password checked
// outside any write transaction), logout and whoami.
#pragma once

#include <memory>
#include <string>

#include "control/access/session_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// `secure_cookie`: the control plane serves TLS, so the cookie must never travel in clear.
void add_session_routes(kernel::http::Router& router,
                        std::shared_ptr<const SessionService> sessions, bool secure_cookie);

// "vergegrid_session=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<s>[; Secure]".
std::string session_cookie(const std::string& token, long max_age_s, bool secure);

}  // namespace vergegrid::control
