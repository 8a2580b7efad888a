#include "control/access/token_service.hpp"

#include "control/access/user_service.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "timestamps/rfc3339.hpp"

namespace vergegrid::control {

using plugin_api::AccessToken;
using plugin_api::IssuedToken;

std::string checked_expiry(const std::string& text, const std::string& now) {
    if (text.empty()) {
        return "";
    }
    const auto time = timestamps::parse_utc(text);
    if (!time) {
        throw DomainError::invalid_field(
            "expires_at", "must be an RFC 3339 UTC timestamp such as 2027-01-31T12:00:00Z");
    }
    const auto current = timestamps::parse_utc(now);
    if (current && *time <= *current) {
        throw DomainError::invalid_field("expires_at", "must be in the future");
    }
    return timestamps::format_utc(*time);
}

std::vector<AccessToken> TokenService::list(const std::string& user_id) const {
    return store_.read([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        return access.list_access_tokens(existing_user(access, user_id).id);
    });
}

Committed<IssuedToken> TokenService::create(const Actor& actor, const std::string& user_id,
                                            const NewToken& token) const {
    const auto expires_at = checked_expiry(token.expires_at, now_iso8601());
    const auto auth = active_auth(*auth_);
    return store_.command(actor, [&](Changes& changes) {
        auto& access = access_store(changes.tx());
        const auto user = existing_user(access, user_id);
        auto issued = auth->issue_api_token(user, token.label, expires_at, access, now_iso8601());
        changes.record(
            {"token.create", "token", issued.record.id, nullptr, token_document(issued.record)});
        return issued;
    });
}

Committed<void> TokenService::revoke(const Actor& actor, const std::string& user_id,
                                     const std::string& token_id) const {
    return store_.command(actor, [&](Changes& changes) {
        auto& access = access_store(changes.tx());
        const auto user = existing_user(access, user_id);
        bool found = false;
        for (const auto& token : access.list_access_tokens(user.id)) {
            found = found || token.id == token_id;
        }
        if (!found) {
            throw DomainError::not_found("user '" + user.name + "' has no token '" + token_id +
                                         "'");
        }
        access.revoke_access_token(token_id, now_iso8601());
        changes.record({"token.revoke", "token", token_id, nullptr, nullptr});
        if (access_changed_) {
            changes.after_commit(access_changed_);
        }
    });
}

}  // namespace vergegrid::control
