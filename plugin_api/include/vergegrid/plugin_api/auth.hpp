// Kind "auth" (ABI 1.1): who an operator is. The provider owns how operator credentials look and
// are checked (bearer tokens, passwords, sessions); it reads and writes them through the storage
// extension AccessStore that the host lends it for the duration of each call.
#pragma once

#include <optional>
#include <string>

#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"

namespace vergegrid::plugin_api {

// IN (host fills, lent for one call; may grow at the end).
struct Credentials {
    std::string bearer_token;   // from "Authorization: Bearer ..."
    std::string session_token;  // from the session cookie
};

// OUT (returned by value). Frozen.
struct Identity {
    std::string subject;  // the user's name
    std::string role;     // admin, operator, viewer
    std::string user_id;
};

// OUT (returned by value). Frozen.
struct IssuedToken {
    std::string token;  // shown once; only its hash is stored
    AccessToken record;
};

// Since 1.1 (every method below). OWNERSHIP: the host owns the provider. The AccessStore it lends
// is valid for the duration of the call only: never keep a reference to it.
class BOOST_SYMBOL_VISIBLE AuthProvider : public PluginObject {
  public:
    // The operator presenting these credentials, or nullopt for unknown, expired or revoked ones.
    // `now` is the host's clock (UTC ISO-8601). Thread-safe.
    virtual std::optional<Identity> authenticate(const Credentials& credentials, AccessStore& store,
                                                 const std::string& now) = 0;
    // Checks a user's password; on success stores and returns a new session token that expires
    // after the provider's session lifetime. nullopt for a wrong name or password (the two are
    // not told apart, in the answer nor in the time it takes). The control plane lends a store
    // whose reads each run in a short transaction of their own and whose writes are applied after
    // the call returns, in one transaction, once it has checked that the user read is unchanged:
    // so the password check holds no transaction. A write is not visible to later reads of the
    // same call.
    virtual std::optional<IssuedToken> login(const std::string& username,
                                             const std::string& password, AccessStore& store,
                                             const std::string& now) = 0;
    // A new API token for a user; `expires_at` "" = never, else a UTC timestamp in the host's form
    // ("2027-01-31T12:00:00.000Z"), validated by the host. Expiries are compared as time.
    virtual IssuedToken issue_api_token(const User& user, const std::string& label,
                                        const std::string& expires_at, AccessStore& store,
                                        const std::string& now) = 0;
    // The encoded hash to store in User::password_hash. Throws std::invalid_argument for a
    // password the provider refuses (too short).
    virtual std::string hash_password(const std::string& password) = 0;
};

}  // namespace vergegrid::plugin_api
