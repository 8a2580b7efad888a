#include "control/access/session_service.hpp"

#include <spdlog/spdlog.h>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

using plugin_api::IssuedToken;

namespace {

// Reports an admitted attempt to the throttle exactly once; an attempt that ended in an exception
// (storage busy) counts neither way.
class ThrottledAttempt {
  public:
    ThrottledAttempt(LoginThrottle& throttle, std::string name, std::string address)
        : throttle_(&throttle), name_(std::move(name)), address_(std::move(address)) {}
    ThrottledAttempt(const ThrottledAttempt&) = delete;
    ThrottledAttempt& operator=(const ThrottledAttempt&) = delete;
    ~ThrottledAttempt() {
        if (!reported_) {
            throttle_->abandoned(name_, address_);
        }
    }
    void failed() {
        reported_ = true;
        throttle_->failed(name_, address_, LoginThrottle::Clock::now());
    }
    void succeeded() {
        reported_ = true;
        throttle_->succeeded(name_, address_);
    }

  private:
    LoginThrottle* throttle_;
    std::string name_;
    std::string address_;
    bool reported_ = false;
};

// Audit rows of a login: who tried, from where; never the password nor the session token.
nlohmann::json login_document(const LoginAttempt& attempt) {
    return {{"username", attempt.username}, {"address", attempt.address}};
}

}  // namespace

LoginResult SessionService::login(const Actor& actor, const LoginAttempt& attempt) const {
    const auto auth = active_auth(*auth_);
    if (const auto wait = settings_.throttle->admit(attempt.username, attempt.address,
                                                    LoginThrottle::Clock::now())) {
        // Debug only: a client hammering a locked key must not flood the log.
        spdlog::debug("login of '{}' from {} throttled for {} s", attempt.username, attempt.address,
                      wait->count());
        return LoginResult{std::nullopt, 0, *wait};
    }
    ThrottledAttempt throttled(*settings_.throttle, attempt.username, attempt.address);
    const std::string now = now_iso8601();
    DeferredWrites deferred(store_);
    const auto session = check_password(*auth, attempt, deferred, now);
    // Told to the throttle only once the outcome committed; a storage failure counts neither way.
    if (session && commit_login(actor, attempt, *session, deferred)) {
        throttled.succeeded();
        return LoginResult{session, seconds_between(now, session->record.expires_at), {}};
    }
    commit_failure(actor, attempt);
    throttled.failed();
    return {};
}

std::optional<IssuedToken> SessionService::check_password(plugin_api::AuthProvider& auth,
                                                          const LoginAttempt& attempt,
                                                          DeferredWrites& deferred,
                                                          const std::string& now) const {
    // No transaction is open here; see deferred_writes.hpp.
    settings_.password_checks->acquire();
    try {
        auto session = auth.login(attempt.username, attempt.password, deferred, now);
        settings_.password_checks->release();
        return session;
    } catch (...) {
        settings_.password_checks->release();
        throw;
    }
}

bool SessionService::commit_login(const Actor& actor, const LoginAttempt& attempt,
                                  const IssuedToken& session, DeferredWrites& deferred) const {
    const auto writes = deferred.take_writes();
    const Actor user{attempt.username, actor.request_id};
    return store_
        .command(user,
                 [&](Changes& changes) {
                     auto& access = access_store(changes.tx());
                     // What the password was checked against must still hold: a reset or a
                     // disable that committed meanwhile wins over this login.
                     for (const auto& seen : deferred.users_read()) {
                         const auto current = access.find_user(seen.id);
                         if (!current || current->disabled ||
                             current->password_hash != seen.password_hash) {
                             return false;
                         }
                     }
                     for (const auto& write : writes) {
                         write(access);
                     }
                     auto after = login_document(attempt);
                     after["session_id"] = session.record.id;
                     after["expires_at"] = session.record.expires_at;
                     changes.record({"auth.login", "user", session.record.user_id, nullptr, after});
                     return true;
                 })
        .value;
}

void SessionService::commit_failure(const Actor& actor, const LoginAttempt& attempt) const {
    store_.command(actor, [&](Changes& changes) {
        changes.record({"auth.login_failed", "user", "", nullptr, login_document(attempt)});
    });
}

void SessionService::logout(const std::string& session_token) const {
    // Not a domain change anyone audits: the session's owner ends it.
    store_.write([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        if (auto record = access.find_access_token_by_hash(secrets::sha256_hex(session_token));
            record && record->kind == "session") {
            access.revoke_access_token(record->id, now_iso8601());
        }
    });
    if (access_changed_) {
        access_changed_();
    }
}

}  // namespace vergegrid::control
