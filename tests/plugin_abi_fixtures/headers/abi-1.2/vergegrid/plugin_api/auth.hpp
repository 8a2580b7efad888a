// Kind "auth" (ABI 1.1): who an operator is. The provider owns how operator credentials look and
// are checked (bearer tokens, passwords, sessions); it reads and writes them through the storage
// extension AccessStore that the host lends it for the duration of each call.
#pragma once

#include <optional>
#include <string>

#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"

namespace vergegrid::plugin_api {

struct Credentials {
    std::string bearer_token;   // from "Authorization: Bearer ..."
    std::string session_token;  // from the session cookie
};

struct Identity {
    std::string subject;  // the user's name
    std::string role;     // admin, operator, viewer
    std::string user_id;
};

struct IssuedToken {
    std::string token;  // shown once; only its hash is stored
    AccessToken record;
};

class BOOST_SYMBOL_VISIBLE AuthProvider : public PluginObject {
  public:
    // The operator presenting these credentials, or nullopt for unknown, expired or revoked ones.
    // `now` is the host's clock (UTC ISO-8601). Thread-safe.
    virtual std::optional<Identity> authenticate(const Credentials& credentials, AccessStore& store,
                                                 const std::string& now) = 0;
    // Checks a user's password; on success stores and returns a new session token that expires
    // after the provider's session lifetime. nullopt for a wrong name or password (the two are
    // not told apart).
    virtual std::optional<IssuedToken> login(const std::string& username,
                                             const std::string& password, AccessStore& store,
                                             const std::string& now) = 0;
    // A new API token for a user; `expires_at` "" = never.
    virtual IssuedToken issue_api_token(const User& user, const std::string& label,
                                        const std::string& expires_at, AccessStore& store,
                                        const std::string& now) = 0;
    // The encoded hash to store in User::password_hash. Throws std::invalid_argument for a
    // password the provider refuses (too short).
    virtual std::string hash_password(const std::string& password) = 0;
};

}  // namespace vergegrid::plugin_api
