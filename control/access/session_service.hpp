// The web console's sessions. A login is throttled per user name and per address (see
// login_throttle.hpp); the password is checked with no transaction open (see
// deferred_writes.hpp), a bounded number at once; its outcome is one audited command
// ("auth.login" by the user, "auth.login_failed" by the anonymous caller). Logout revokes the
// session; it is not audited.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <semaphore>
#include <string>

#include "control/access/access_documents.hpp"
#include "control/access/deferred_writes.hpp"
#include "control/access/login_throttle.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

struct LoginAttempt {
    std::string username;
    std::string password;
    std::string address;  // the client's IP address: the throttle's second key
};

struct LoginResult {
    // Set when the login was accepted: the new session (its token shown this once).
    std::optional<plugin_api::IssuedToken> session;
    long max_age_s = 0;  // the session's lifetime from now, for the cookie
    // Set when the throttle refused the attempt before any password was checked.
    std::optional<std::chrono::seconds> retry_after;

    bool accepted() const { return session.has_value(); }
};

struct SessionSettings {
    std::shared_ptr<LoginThrottle> throttle;
    // Bounds the password checks running at once: each Argon2 run takes 19 MiB and a core for
    // tens of milliseconds, so a burst of logins would otherwise take every core (and, at
    // http.max_connections, over a gigabyte) from the requests serving the grid.
    std::shared_ptr<std::counting_semaphore<>> password_checks;
};

class SessionService {
  public:
    SessionService(Store store, AuthSlot& auth, SessionSettings settings,
                   AccessChanged access_changed)
        : store_(store),
          auth_(&auth),
          settings_(std::move(settings)),
          access_changed_(std::move(access_changed)) {}

    // `actor` is the anonymous caller that asked. Neither accepted nor throttled: a wrong name
    // or password (or the user changed while the password was checked). DomainError
    // unavailable "auth_unavailable" without a provider.
    LoginResult login(const Actor& actor, const LoginAttempt& attempt) const;

    // Revokes the session whose token this is, if it is a live one.
    void logout(const std::string& session_token) const;

  private:
    std::optional<plugin_api::IssuedToken> check_password(plugin_api::AuthProvider& auth,
                                                          const LoginAttempt& attempt,
                                                          DeferredWrites& deferred,
                                                          const std::string& now) const;
    bool commit_login(const Actor& actor, const LoginAttempt& attempt,
                      const plugin_api::IssuedToken& session, DeferredWrites& deferred) const;
    void commit_failure(const Actor& actor, const LoginAttempt& attempt) const;

    Store store_;
    AuthSlot* auth_;
    SessionSettings settings_;
    AccessChanged access_changed_;
};

}  // namespace vergegrid::control
