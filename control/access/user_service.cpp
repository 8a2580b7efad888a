#include "control/access/user_service.hpp"

#include "control/access/roles.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"

namespace vergegrid::control {

using plugin_api::AccessStore;
using plugin_api::User;

namespace {

bool active_admin(const User& user) {
    return user.role == kAdmin && !user.disabled;
}

// Refuses a change that would leave no enabled admin: nobody could manage users any more.
void keep_an_admin(AccessStore& access, const User& before, const User& after) {
    if (!active_admin(before) || active_admin(after)) {
        return;
    }
    int admins = 0;
    for (const auto& user : access.list_users()) {
        admins += active_admin(user) ? 1 : 0;
    }
    if (admins <= 1) {
        throw DomainError::conflict(
            "last_admin",
            "'" + before.name + "' is the last enabled admin; make another admin first",
            after.disabled ? "disabled" : "role");
    }
}

// A new password or a disable ends the user's web sessions: whoever had the old password (or the
// account) must not stay logged in. API tokens stay; a disabled user's are refused anyway.
void end_sessions(AccessStore& access, const std::string& user_id, const std::string& now) {
    for (const auto& token : access.list_access_tokens(user_id)) {
        if (token.kind == "session" && token.revoked_at.empty()) {
            access.revoke_access_token(token.id, now);
        }
    }
}

}  // namespace

const std::string& checked_role(const std::string& role) {
    if (!is_operator_role(role)) {
        throw DomainError::invalid_field("role", "must be one of admin, operator, viewer");
    }
    return role;
}

User existing_user(AccessStore& access, const std::string& id) {
    auto user = access.find_user(id);
    if (!user) {
        throw DomainError::not_found("no user with id '" + id + "'");
    }
    return *user;
}

std::string UserService::hashed(const std::string& password) const {
    // Argon2 takes tens of milliseconds: run before any transaction opens.
    const auto auth = active_auth(*auth_);
    try {
        return auth->hash_password(password);
    } catch (const std::invalid_argument& e) {
        throw DomainError::invalid_field("password", e.what());
    }
}

std::vector<User> UserService::list() const {
    return store_.read(
        [](plugin_api::StorageTransaction& tx) { return access_store(tx).list_users(); });
}

User UserService::get(const std::string& id) const {
    return store_.read(
        [&](plugin_api::StorageTransaction& tx) { return existing_user(access_store(tx), id); });
}

Committed<User> UserService::create(const Actor& actor, NewUser request) const {
    if (request.name.empty()) {
        throw DomainError::invalid_field("name", "is required");
    }
    if (request.role.empty()) {
        throw DomainError::invalid_field("role", "is required");
    }
    User user;
    user.name = std::move(request.name);
    user.role = checked_role(request.role);
    if (request.password) {
        user.password_hash = hashed(*request.password);
    }
    user.id = new_uuid();
    user.created_at = now_iso8601();
    return store_.command(actor, [&](Changes& changes) {
        auto& access = access_store(changes.tx());
        if (access.find_user_by_name(user.name)) {
            throw DomainError::conflict("name_taken", "a user named '" + user.name + "' exists",
                                        "name");
        }
        access.insert_user(user);
        changes.record({"user.create", "user", user.id, nullptr, user_document(user)});
        return user;
    });
}

Committed<User> UserService::update(const Actor& actor, const std::string& id,
                                    const UserChange& change) const {
    if (change.role) {
        checked_role(*change.role);
    }
    const std::string hash = change.password ? hashed(*change.password) : "";
    return store_.command(actor, [&](Changes& changes) {
        auto& access = access_store(changes.tx());
        const User before = existing_user(access, id);
        User after = before;
        after.role = change.role.value_or(before.role);
        after.password_hash = change.password ? hash : before.password_hash;
        after.disabled = change.disabled.value_or(before.disabled);
        keep_an_admin(access, before, after);
        access.update_user(after);
        if (change.password || (after.disabled && !before.disabled)) {
            end_sessions(access, after.id, now_iso8601());
        }
        changes.record(
            {"user.update", "user", after.id, user_document(before), user_document(after)});
        // A lower role, a disabled user or an ended session counts from now.
        if (access_changed_) {
            changes.after_commit(access_changed_);
        }
        return after;
    });
}

Committed<User> UserService::disable(const Actor& actor, const std::string& id) const {
    return update(actor, id, UserChange{std::nullopt, std::nullopt, true});
}

Committed<User> UserService::reset_password(const Actor& actor, const std::string& id,
                                            const std::string& password) const {
    return update(actor, id, UserChange{std::nullopt, password, std::nullopt});
}

}  // namespace vergegrid::control
