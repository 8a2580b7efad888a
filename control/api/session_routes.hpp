// The web console's session: POST /api/v1/auth/login (throttled, audited, the password checked
// outside any write transaction), logout and whoami.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "control/access/session_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// `secure_cookie`: the control plane serves TLS, so the cookie must never travel in clear.
void add_session_routes(kernel::http::Router& router,
                        std::shared_ptr<const SessionService> sessions, bool secure_cookie);

// "vergegrid_session=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<s>[; Secure]".
std::string session_cookie(const std::string& token, long max_age_s, bool secure);

// The answers every way of logging in gives: a new session (`body`, never cached, and its
// cookie), and the throttle's 429 ("<refused>; retry in N s" naming `field`, with Retry-After).
kernel::http::Response session_opened(nlohmann::json body, const plugin_api::IssuedToken& session,
                                      long max_age_s, bool secure);
kernel::http::Response too_many_attempts(std::chrono::seconds wait, const std::string& refused,
                                         const std::string& field);

}  // namespace vergegrid::control
