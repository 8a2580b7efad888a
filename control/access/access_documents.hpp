// Users and API tokens as JSON documents: what the audit trail stores before and after a change,
// and what the API answers. One shape for both, so an audit row shows what a client saw.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"

namespace vergegrid::control {

// id, name, role, disabled, has_password, created_at: never the password hash.
nlohmann::json user_document(const plugin_api::User& user);

// id, kind, label, created_at, expires_at and revoked_at (null when empty): never the token.
nlohmann::json token_document(const plugin_api::AccessToken& token);

using AuthSlot = kernel::services::ActiveSlot<plugin_api::AuthProvider>;

// The active auth provider; DomainError unavailable "auth_unavailable" when there is none.
std::shared_ptr<plugin_api::AuthProvider> active_auth(const AuthSlot& slot);

// What a service calls once a change that can take access away has committed (a lower role, a
// disabled user, a revoked token or session): the composition makes it forget cached callers.
using AccessChanged = std::function<void()>;

}  // namespace vergegrid::control
