// The built-in auth provider: API bearer tokens and web sessions (random, stored as SHA-256
// hashes), user passwords hashed with Argon2id.
#pragma once

#include <memory>

#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::plugins::builtin_auth {

struct AuthSettings {
    long session_ttl_s = 12 * 3600;
    std::size_t min_password_length = 10;
};

// Reads session_ttl_s (60..2592000) and min_password_length (8..128); ConfigError names the key.
AuthSettings parse_settings(const plugin_api::ConfigSection& section);

class BuiltinAuth final : public plugin_api::AuthProvider {
  public:
    BuiltinAuth(AuthSettings settings, std::shared_ptr<plugin_api::Logger> logger);

    std::optional<plugin_api::Identity> authenticate(const plugin_api::Credentials& credentials,
                                                     plugin_api::AccessStore& store,
                                                     const std::string& now) override;
    std::optional<plugin_api::IssuedToken> login(const std::string& username,
                                                 const std::string& password,
                                                 plugin_api::AccessStore& store,
                                                 const std::string& now) override;
    plugin_api::IssuedToken issue_api_token(const plugin_api::User& user, const std::string& label,
                                            const std::string& expires_at,
                                            plugin_api::AccessStore& store,
                                            const std::string& now) override;
    std::string hash_password(const std::string& password) override;

  private:
    AuthSettings settings_;
    std::shared_ptr<plugin_api::Logger> logger_;
};

}  // namespace vergegrid::plugins::builtin_auth
