// One-time login links: the operator's way into the web console before any password is set.
// A link carries a random secret (in the URL's fragment, so it reaches no server log); storage
// keeps only its hash, with the user and an expiry, in the access-token table: a row of kind
// "session" whose token_hash is "login-link:<sha256>", which no presented token can ever hash to,
// so the row itself authenticates nothing. Exchanging the secret is one command: it checks the
// link, writes a "used" row under the unique key "login-link-used:<sha256>" (of two concurrent
// exchanges, the second one's insert conflicts and it is refused, on every backend and
// isolation level), revokes the link and opens a web session. Exchanges are throttled per client
// address like password logins. A new password or a disable of the user revokes its unused
// links (they are sessions to UserService). Events: auth.login_link (issued), auth.login
// (accepted, "method": "login_link"), auth.login_failed (refused).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "control/access/login_throttle.hpp"
#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::control {

inline constexpr std::chrono::minutes kDefaultLoginLinkTtl{15};
inline constexpr std::chrono::minutes kMaxLoginLinkTtl{24 * 60};
// The session a link opens: long enough to set a password, which then gives normal sessions.
inline constexpr std::chrono::seconds kLoginLinkSessionLifetime{3600};

struct IssuedLoginLink {
    std::string secret;  // shown once: only its hash is stored
    std::string user;
    std::string expires_at;
};

struct LinkLoginResult {
    std::optional<plugin_api::IssuedToken> session;  // set when accepted
    std::string user;
    long max_age_s = 0;
    std::optional<std::chrono::seconds> retry_after;  // set when throttled

    bool accepted() const { return session.has_value(); }
};

class LoginLinkService {
  public:
    using Clock = std::function<std::string()>;  // UTC ISO-8601, as now_iso8601()

    LoginLinkService(Store store, std::shared_ptr<LoginThrottle> throttle, Clock now = {});

    // DomainError not_found for an unknown user, conflict "user_disabled", invalid_field "ttl_min"
    // outside 1 min .. 24 h.
    Committed<IssuedLoginLink> issue(const Actor& actor, const std::string& user_name,
                                     std::chrono::minutes ttl = kDefaultLoginLinkTtl) const;

    // `actor`: the anonymous caller. Refused (neither accepted nor throttled) for a secret that is
    // unknown, used, expired or revoked, or whose user is disabled.
    LinkLoginResult exchange(const Actor& actor, const std::string& secret,
                             const std::string& address) const;

  private:
    std::optional<LinkLoginResult> consume(const Actor& actor, const std::string& hash,
                                           const std::string& address) const;
    void commit_failure(const Actor& actor, const std::string& address) const;

    Store store_;
    std::shared_ptr<LoginThrottle> throttle_;
    Clock now_;
};

}  // namespace vergegrid::control
