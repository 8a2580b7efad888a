// Entry point of the built-in auth provider (kind "auth", name "builtin").
#include "builtin_auth.hpp"

namespace {

namespace api = vergegrid::plugin_api;

api::PluginObject* create(const api::HostContext& host) {
    return new vergegrid::plugins::builtin_auth::BuiltinAuth(
        vergegrid::plugins::builtin_auth::parse_settings(host.config), host.logger);
}

const char* const kConfigKeys[] = {"session_ttl_s", "min_password_length", nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "auth",
    "builtin",
    VG_AUTH_BUILTIN_VERSION,
    "bearer API tokens, Argon2id passwords and web sessions",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
