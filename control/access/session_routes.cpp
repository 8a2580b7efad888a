#include "control/access/session_routes.hpp"

#include <spdlog/spdlog.h>

#include "control/access/authenticator.hpp"
#include "control/access/deferred_writes.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Permission;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::StorageTransaction;

namespace {

using AuthSlot = kernel::services::ActiveSlot<plugin_api::AuthProvider>;

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

Response too_many_attempts(std::chrono::seconds wait) {
    auto response = Response::error(
        ApiError(429, "too_many_attempts",
                 "too many failed logins for this user name or from this address; retry in " +
                     std::to_string(wait.count()) + " s",
                 "username"));
    response.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return response;
}

// Audit rows of a login: who tried, from where; never the password nor the session token.
nlohmann::json login_attempt(const std::string& username, const Request& request) {
    return {{"username", username}, {"address", request.client_address}};
}

}  // namespace

std::string session_cookie(const std::string& token, long max_age_s, bool secure) {
    return std::string(kSessionCookie) + "=" + token +
           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
           (secure ? "; Secure" : "");
}

void add_session_routes(kernel::http::Router& router, Store store, AuthSlot& auth,
                        SessionOptions options) {
    router.add(
        "POST", "/api/v1/auth/login", Permission::anyone,
        [store, &auth, options](const Request& request) {
            const auto body = request.json_body();
            JsonReader reader(body, "");
            const auto username = reader.string("username", 64).value_or("");
            const auto password = reader.string("password", 1024).value_or("");
            reader.reject_unknown();
            auto auth_provider = auth.get();
            if (!auth_provider) {
                throw ApiError(503, "auth_unavailable", "no auth provider is active");
            }
            if (const auto wait = options.throttle->admit(username, request.client_address,
                                                          LoginThrottle::Clock::now())) {
                // Debug only: a client hammering a locked key must not flood the log.
                spdlog::debug("login of '{}' from {} throttled for {} s", username,
                              request.client_address, wait->count());
                return too_many_attempts(*wait);
            }
            ThrottledAttempt attempt(*options.throttle, username, request.client_address);

            // The password is checked with no transaction open; see deferred_writes.hpp.
            const std::string now = now_iso8601();
            DeferredWrites deferred(store);
            options.password_checks->acquire();
            std::optional<plugin_api::IssuedToken> session;
            try {
                session = auth_provider->login(username, password, deferred, now);
            } catch (...) {
                options.password_checks->release();
                throw;
            }
            options.password_checks->release();
            const auto writes = deferred.take_writes();

            bool accepted = false;
            auto response = store.write([&](StorageTransaction& tx) {
                auto& access = access_store(tx);
                // What the password was checked against must still hold: a reset or a disable
                // that committed meanwhile wins over this login.
                bool still_valid = session.has_value();
                for (const auto& seen : deferred.users_read()) {
                    const auto current = access.find_user(seen.id);
                    still_valid = still_valid && current && !current->disabled &&
                                  current->password_hash == seen.password_hash;
                }
                if (!still_valid) {
                    record_audit(tx, request, "auth.login_failed", "user", "", nullptr,
                                 login_attempt(username, request));
                    // Returned, not thrown: the audit row commits.
                    return Response::error(
                        ApiError(401, "login_failed", "wrong user name or password"));
                }
                for (const auto& write : writes) {
                    write(access);
                }
                Request as_user = request;
                as_user.caller.subject = username;
                as_user.caller.user_id = session->record.user_id;
                auto after = login_attempt(username, request);
                after["session_id"] = session->record.id;
                after["expires_at"] = session->record.expires_at;
                record_audit(tx, as_user, "auth.login", "user", session->record.user_id, nullptr,
                             after);
                accepted = true;
                auto answer = Response::secret_json(
                    200, {{"user", username}, {"expires_at", session->record.expires_at}});
                answer.headers.emplace_back(
                    "Set-Cookie",
                    session_cookie(session->token, seconds_between(now, session->record.expires_at),
                                   options.secure_cookie));
                return answer;
            });
            // Told only once the outcome committed; a storage failure counts neither way.
            if (accepted) {
                attempt.succeeded();
            } else {
                attempt.failed();
            }
            return response;
        });

    router.add(
        "POST", "/api/v1/auth/logout", Permission::read, [store, options](const Request& request) {
            const auto token = cookie_value(request.header("cookie"), kSessionCookie);
            store.write([&](StorageTransaction& tx) {
                auto& access = access_store(tx);
                if (auto record = access.find_access_token_by_hash(secrets::sha256_hex(token));
                    record && record->kind == "session") {
                    access.revoke_access_token(record->id, now_iso8601());
                }
            });
            options.auth_cache->forget_all();
            auto response = Response::json(200, {{"logged_out", true}});
            response.headers.emplace_back("Set-Cookie",
                                          session_cookie("", 0, options.secure_cookie));
            return response;
        });

    router.add("GET", "/api/v1/auth/whoami", Permission::read, [](const Request& request) {
        return Response::json(200,
                              {{"subject", request.caller.subject}, {"role", request.caller.role}});
    });
}

}  // namespace vergegrid::control
