// The web console's session: POST /api/v1/auth/login (throttled, audited, the password checked
// outside any write transaction), logout and whoami.
#pragma once

#include <memory>
#include <semaphore>

#include "control/access/auth_cache.hpp"
#include "control/access/login_throttle.hpp"
#include "control/domain/store.hpp"
#include "kernel/http/router.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::control {

struct SessionOptions {
    std::shared_ptr<AuthCache> auth_cache;  // forgets every operator at logout
    std::shared_ptr<LoginThrottle> throttle;
    // Bounds the password checks running at once: each Argon2 run takes 19 MiB and a core for
    // tens of milliseconds, so a burst of logins would otherwise take every core (and, at
    // http.max_connections, over a gigabyte) from the requests serving the grid.
    std::shared_ptr<std::counting_semaphore<>> password_checks;
    bool secure_cookie = false;  // the control plane serves TLS: the cookie never travels in clear
};

void add_session_routes(kernel::http::Router& router, Store store,
                        kernel::services::ActiveSlot<plugin_api::AuthProvider>& auth,
                        SessionOptions options);

// "vergegrid_session=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<s>[; Secure]".
std::string session_cookie(const std::string& token, long max_age_s, bool secure);

}  // namespace vergegrid::control
