#include "control/access/login_link_service.hpp"

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "secrets/secrets.hpp"
#include "timestamps/rfc3339.hpp"

namespace vergegrid::control {

using plugin_api::AccessToken;

namespace {

constexpr const char* kLinkHashPrefix = "login-link:";
constexpr const char* kUsedHashPrefix = "login-link-used:";

// The throttle's name key: link exchanges name no user, so they count per address, apart from
// the password logins of that address.
std::string throttle_key(const std::string& address) {
    return "login-link@" + address;
}

bool expired(const std::string& expires_at, const std::string& now) {
    const auto expires = timestamps::parse_utc(expires_at);
    const auto current = timestamps::parse_utc(now);
    return !expires || !current || *expires <= *current;
}

bool usable(const std::optional<AccessToken>& link, const std::string& now) {
    return link && link->kind == "session" && link->revoked_at.empty() &&
           !expired(link->expires_at, now);
}

}  // namespace

LoginLinkService::LoginLinkService(Store store, std::shared_ptr<LoginThrottle> throttle, Clock now)
    : store_(store), throttle_(std::move(throttle)), now_(now ? std::move(now) : now_iso8601) {}

Committed<IssuedLoginLink> LoginLinkService::issue(const Actor& actor, const std::string& user_name,
                                                   std::chrono::minutes ttl) const {
    if (ttl < std::chrono::minutes(1) || ttl > kMaxLoginLinkTtl) {
        throw DomainError::invalid_field(
            "ttl_min", "must be between 1 and " + std::to_string(kMaxLoginLinkTtl.count()));
    }
    return store_.command(actor, [&](Changes& changes) {
        auto& access = access_store(changes.tx());
        const auto user = access.find_user_by_name(user_name);
        if (!user) {
            throw DomainError::not_found("no user named '" + user_name + "'");
        }
        if (user->disabled) {
            throw DomainError::conflict("user_disabled", "user '" + user_name + "' is disabled",
                                        "user");
        }
        const std::string now = now_();
        IssuedLoginLink link{secrets::random_token("vgl_"), user->name,
                             iso8601_plus_seconds(now, static_cast<long>(ttl.count()) * 60)};
        const AccessToken record{
            new_uuid(),      kLinkHashPrefix + secrets::sha256_hex(link.secret),
            "session",       user->id,
            "login link",    now,
            link.expires_at, ""};
        access.insert_access_token(record);
        changes.record(
            {"auth.login_link",
             "user",
             user->id,
             nullptr,
             {{"user", user->name}, {"link_id", record.id}, {"expires_at", record.expires_at}}});
        return link;
    });
}

LinkLoginResult LoginLinkService::exchange(const Actor& actor, const std::string& secret,
                                           const std::string& address) const {
    const std::string key = throttle_key(address);
    if (const auto wait = throttle_->admit(key, address, LoginThrottle::Clock::now())) {
        return LinkLoginResult{std::nullopt, "", 0, *wait};
    }
    std::optional<LinkLoginResult> accepted;
    try {
        accepted =
            secret.empty() ? std::nullopt : consume(actor, secrets::sha256_hex(secret), address);
    } catch (const DomainError& e) {
        // The "used" row conflicted: a concurrent exchange of the same link won.
        if (e.fault() != Fault::conflict) {
            throttle_->abandoned(key, address);
            throw;
        }
    } catch (...) {
        throttle_->abandoned(key, address);
        throw;
    }
    if (accepted) {
        throttle_->succeeded(key, address);
        return *accepted;
    }
    commit_failure(actor, address);
    throttle_->failed(key, address, LoginThrottle::Clock::now());
    return {};
}

std::optional<LinkLoginResult> LoginLinkService::consume(const Actor& actor,
                                                         const std::string& hash,
                                                         const std::string& address) const {
    // Who the link is for, so that the login is audited as that user; checked again below.
    const auto owner = store_.read([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        const auto link = access.find_access_token_by_hash(kLinkHashPrefix + hash);
        return usable(link, now_()) ? access.find_user(link->user_id) : std::nullopt;
    });
    if (!owner) {
        return std::nullopt;
    }
    return store_
        .command(
            Actor{owner->name, actor.request_id},
            [&](Changes& changes) -> std::optional<LinkLoginResult> {
                auto& access = access_store(changes.tx());
                const std::string now = now_();
                const auto link = access.find_access_token_by_hash(kLinkHashPrefix + hash);
                if (!usable(link, now) || link->user_id != owner->id) {
                    return std::nullopt;
                }
                const auto user = access.find_user(owner->id);
                if (!user || user->disabled) {
                    return std::nullopt;
                }
                access.insert_access_token({new_uuid(), kUsedHashPrefix + hash, "session", user->id,
                                            "login link (used)", now, link->expires_at, now});
                access.revoke_access_token(link->id, now);
                plugin_api::IssuedToken session;
                session.token = secrets::random_token("vgw_");
                session.record = {new_uuid(),
                                  secrets::sha256_hex(session.token),
                                  "session",
                                  user->id,
                                  "web session (login link)",
                                  now,
                                  iso8601_plus_seconds(now, kLoginLinkSessionLifetime.count()),
                                  ""};
                access.insert_access_token(session.record);
                changes.record({"auth.login",
                                "user",
                                user->id,
                                nullptr,
                                {{"username", user->name},
                                 {"address", address},
                                 {"method", "login_link"},
                                 {"link_id", link->id},
                                 {"session_id", session.record.id},
                                 {"expires_at", session.record.expires_at}}});
                return LinkLoginResult{session, user->name,
                                       static_cast<long>(kLoginLinkSessionLifetime.count()),
                                       std::nullopt};
            })
        .value;
}

void LoginLinkService::commit_failure(const Actor& actor, const std::string& address) const {
    store_.command(actor, [&](Changes& changes) {
        changes.record({"auth.login_failed",
                        "user",
                        "",
                        nullptr,
                        {{"method", "login_link"}, {"address", address}}});
    });
}

}  // namespace vergegrid::control
