#include "builtin_auth.hpp"

#include <Poco/UUIDGenerator.h>
#include <argon2.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "secrets/secrets.hpp"
#include "timestamps/rfc3339.hpp"

namespace vergegrid::plugins::builtin_auth {

namespace api = plugin_api;

namespace {

// OWASP's minimum for Argon2id: 19 MiB, 2 passes, one lane.
constexpr std::uint32_t kArgonTimeCost = 2;
constexpr std::uint32_t kArgonMemoryKiB = 19 * 1024;
constexpr std::uint32_t kArgonLanes = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

long parse_long(const api::ConfigSection& section, const std::string& key, long fallback, long low,
                long high) {
    auto it = section.find(key);
    if (it == section.end()) {
        return fallback;
    }
    long value = 0;
    const auto& text = it->second;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || value < low || value > high) {
        throw api::ConfigError(key, "'" + text + "' is not an integer between " +
                                        std::to_string(low) + " and " + std::to_string(high));
    }
    return value;
}

std::string plus_seconds(const std::string& now, long seconds) {
    const auto time = timestamps::parse_utc(now);
    if (!time) {
        throw std::invalid_argument("the host's clock reading '" + now + "' is not RFC 3339 UTC");
    }
    return timestamps::format_utc(*time + std::chrono::seconds(seconds));
}

// Compared as time: an expiry that is not a timestamp (stored before expiries were validated)
// counts as passed, so such a token fails closed instead of living forever.
bool still_valid(const api::AccessToken& token, const std::string& now) {
    if (!token.revoked_at.empty()) {
        return false;
    }
    if (token.expires_at.empty()) {
        return true;
    }
    const auto expires = timestamps::parse_utc(token.expires_at);
    const auto current = timestamps::parse_utc(now);
    return expires && current && *expires > *current;
}

api::IssuedToken store_token(const api::User& user, const std::string& kind,
                             const std::string& prefix, const std::string& label,
                             const std::string& expires_at, api::AccessStore& store,
                             const std::string& now) {
    api::IssuedToken issued;
    issued.token = secrets::random_token(prefix);
    issued.record.id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    issued.record.token_hash = secrets::sha256_hex(issued.token);
    issued.record.kind = kind;
    issued.record.user_id = user.id;
    issued.record.label = label;
    issued.record.created_at = now;
    issued.record.expires_at = expires_at;
    store.insert_access_token(issued.record);
    return issued;
}

}  // namespace

AuthSettings parse_settings(const api::ConfigSection& section) {
    AuthSettings settings;
    settings.session_ttl_s =
        parse_long(section, "session_ttl_s", settings.session_ttl_s, 60, 30L * 24 * 3600);
    settings.min_password_length = static_cast<std::size_t>(parse_long(
        section, "min_password_length", static_cast<long>(settings.min_password_length), 8, 128));
    return settings;
}

BuiltinAuth::BuiltinAuth(AuthSettings settings, std::shared_ptr<api::Logger> logger)
    : settings_(settings), logger_(std::move(logger)) {
    const std::string random_password = secrets::random_token("");
    dummy_hash_ =
        hash_password(random_password.size() >= settings_.min_password_length
                          ? random_password
                          : random_password + std::string(settings_.min_password_length, 'x'));
}

bool BuiltinAuth::password_matches(const std::string& encoded_hash, const std::string& password) {
    ++password_checks_;
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::optional<api::Identity> BuiltinAuth::authenticate(const api::Credentials& credentials,
                                                       api::AccessStore& store,
                                                       const std::string& now) {
    const bool bearer = !credentials.bearer_token.empty();
    const std::string& secret = bearer ? credentials.bearer_token : credentials.session_token;
    if (secret.empty()) {
        return std::nullopt;
    }
    const std::string hash = secrets::sha256_hex(secret);
    auto token = store.find_access_token_by_hash(hash);
    // The lookup is by hash, so its timing says nothing about the secret; the comparison below
    // guards against a store that matched loosely.
    if (!token || !secrets::constant_time_equal(token->token_hash, hash) ||
        !still_valid(*token, now) || token->kind != (bearer ? "api" : "session")) {
        return std::nullopt;
    }
    auto user = store.find_user(token->user_id);
    if (!user || user->disabled) {
        return std::nullopt;
    }
    return api::Identity{user->name, user->role, user->id};
}

std::optional<api::IssuedToken> BuiltinAuth::login(const std::string& username,
                                                   const std::string& password,
                                                   api::AccessStore& store,
                                                   const std::string& now) {
    auto user = store.find_user_by_name(username);
    const bool has_password = user && !user->password_hash.empty();
    // Always one verification, whatever the user: see dummy_hash_.
    const bool matches =
        password_matches(has_password ? user->password_hash : dummy_hash_, password);
    if (!has_password || !matches || user->disabled) {
        logger_->info("login refused for '" + username + "'");
        return std::nullopt;
    }
    logger_->info("login of '" + username + "'");
    return store_token(*user, "session", "vgw_", "web session",
                       plus_seconds(now, settings_.session_ttl_s), store, now);
}

api::IssuedToken BuiltinAuth::issue_api_token(const api::User& user, const std::string& label,
                                              const std::string& expires_at,
                                              api::AccessStore& store, const std::string& now) {
    return store_token(user, "api", "vgo_", label, expires_at, store, now);
}

std::string BuiltinAuth::hash_password(const std::string& password) {
    if (password.size() < settings_.min_password_length) {
        throw std::invalid_argument("must be at least " +
                                    std::to_string(settings_.min_password_length) + " characters");
    }
    const std::string salt = secrets::random_token("").substr(0, kSaltBytes);
    std::array<char, 128> encoded{};
    const int rc = argon2id_hash_encoded(kArgonTimeCost, kArgonMemoryKiB, kArgonLanes,
                                         password.data(), password.size(), salt.data(), salt.size(),
                                         kHashBytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string("argon2 failed: ") + argon2_error_message(rc));
    }
    return encoded.data();
}

}  // namespace vergegrid::plugins::builtin_auth
