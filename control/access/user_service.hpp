// Operators: create, change, disable, list. Rules: a user name is unique; a role is viewer,
// operator or admin; there is always an enabled admin (409 "last_admin"); a new password or a
// disable ends the user's web sessions. Events: user.create, user.update.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/access/access_documents.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

struct NewUser {
    std::string name;                     // required
    std::string role;                     // required: viewer, operator or admin
    std::optional<std::string> password;  // none: the user logs in with API tokens only
};

// What a PATCH changes; what is unset stays.
struct UserChange {
    std::optional<std::string> role;
    std::optional<std::string> password;
    std::optional<bool> disabled;
};

class UserService {
  public:
    UserService(Store store, AuthSlot& auth, AccessChanged access_changed)
        : store_(store), auth_(&auth), access_changed_(std::move(access_changed)) {}

    std::vector<plugin_api::User> list() const;
    // DomainError not_found.
    plugin_api::User get(const std::string& id) const;

    // invalid_field (name, role, password: the provider refused it), 409 "name_taken".
    Committed<plugin_api::User> create(const Actor& actor, NewUser user) const;
    // invalid_field, not_found, 409 "last_admin".
    Committed<plugin_api::User> update(const Actor& actor, const std::string& id,
                                       const UserChange& change) const;
    Committed<plugin_api::User> disable(const Actor& actor, const std::string& id) const;
    Committed<plugin_api::User> reset_password(const Actor& actor, const std::string& id,
                                               const std::string& password) const;

  private:
    std::string hashed(const std::string& password) const;

    Store store_;
    AuthSlot* auth_;
    AccessChanged access_changed_;
};

// The role as given when it is one of viewer, operator, admin; else DomainError invalid_field.
const std::string& checked_role(const std::string& role);

// The user with `id`, or DomainError not_found.
plugin_api::User existing_user(plugin_api::AccessStore& access, const std::string& id);

}  // namespace vergegrid::control
