#include "control/api/authenticator.hpp"

#include "control/api/cross_origin.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/domain/simulator_state.hpp"
#include "secrets/secrets.hpp"
#include "timestamps/rfc3339.hpp"

namespace vergegrid::control {

using kernel::http::Caller;

std::string cookie_value(const std::string& header, const std::string& name) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        const auto end = std::min(header.find(';', pos), header.size());
        auto pair = header.substr(pos, end - pos);
        pair.erase(0, pair.find_first_not_of(' '));
        if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 &&
            pair[name.size()] == '=') {
            return pair.substr(name.size() + 1);
        }
        pos = end + 1;
    }
    return "";
}

namespace {

// Compared as time, not text; an expiry that is not a timestamp has passed (fails closed).
bool not_yet(const std::string& expires_at, const std::string& now) {
    const auto expires = timestamps::parse_utc(expires_at);
    const auto current = timestamps::parse_utc(now);
    return expires && current && *expires > *current;
}

std::optional<Caller> simulator_caller(plugin_api::AccessStore& store, const std::string& key,
                                       const std::string& now) {
    const std::string hash = secrets::sha256_hex(key);
    auto simulator = store.find_simulator_by_key_hash(hash);
    if (!simulator || simulator->state == to_string(SimulatorState::revoked)) {
        return std::nullopt;
    }
    const bool current = secrets::constant_time_equal(simulator->key_hash, hash);
    const bool previous = !current &&
                          secrets::constant_time_equal(simulator->previous_key_hash, hash) &&
                          not_yet(simulator->previous_key_expires_at, now);
    if (!current && !previous) {
        return std::nullopt;
    }
    return Caller{"simulator:" + simulator->id, "simulator", "", simulator->id, previous};
}

}  // namespace

Caller Authenticator::operator()(const kernel::http::Request& request) const {
    plugin_api::Credentials credentials;
    const std::string authorization = request.header("authorization");
    if (authorization.size() > 7 && authorization.compare(0, 7, "Bearer ") == 0) {
        credentials.bearer_token = authorization.substr(7);
    } else {
        credentials.session_token = cookie_value(request.header("cookie"), kSessionCookie);
        if (!credentials.session_token.empty()) {
            // A cookie is sent by the browser on its own: prove the page asking is the console.
            require_same_origin(request);
        }
    }
    if (credentials.bearer_token.empty() && credentials.session_token.empty()) {
        return Caller{};
    }
    const std::string now = now_iso8601();
    if (credentials.bearer_token.rfind(kSimulatorKeyPrefix, 0) == 0) {
        return store_.read([&](plugin_api::StorageTransaction& tx) {
            return simulator_caller(access_store(tx), credentials.bearer_token, now)
                .value_or(Caller{});
        });
    }
    const std::string credential_hash =
        credentials.bearer_token.empty()
            ? secrets::sha256_hex("session:" + credentials.session_token)
            : secrets::sha256_hex("bearer:" + credentials.bearer_token);
    const auto looked_up_at = AuthCache::Clock::now();
    if (auto cached = cache_->find(credential_hash, looked_up_at)) {
        return *cached;
    }
    const auto generation = cache_->generation();
    auto caller = store_.read([&](plugin_api::StorageTransaction& tx) -> std::optional<Caller> {
        auto provider = auth_->get();
        if (!provider) {
            return std::nullopt;
        }
        auto identity = provider->authenticate(credentials, access_store(tx), now);
        if (!identity) {
            return std::nullopt;
        }
        return Caller{identity->subject, identity->role, identity->user_id, "", false};
    });
    if (!caller) {
        return Caller{};
    }
    cache_->remember(credential_hash, *caller, generation, looked_up_at);
    return *caller;
}

}  // namespace vergegrid::control
