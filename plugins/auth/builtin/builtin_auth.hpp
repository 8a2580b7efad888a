// The built-in auth provider: API bearer tokens and web sessions (random, stored as SHA-256
// hashes), user passwords hashed with Argon2id.
#pragma once

#include <atomic>
#include <cstdint>
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

    // How many Argon2 verifications login() ran: one per attempt, for a known user or not.
    std::uint64_t password_checks() const noexcept { return password_checks_.load(); }

  private:
    bool password_matches(const std::string& encoded_hash, const std::string& password);

    AuthSettings settings_;
    std::shared_ptr<plugin_api::Logger> logger_;
    // The hash of a random password with the same Argon2 parameters: checked against when the user
    // is unknown (or has no password), so that such a login takes as long as a wrong password and
    // the answer time does not tell which user names exist.
    std::string dummy_hash_;
    std::atomic<std::uint64_t> password_checks_{0};
};

}  // namespace vergegrid::plugins::builtin_auth
