// Entry point of vg-storage-postgresql: the descriptor the host reads and the factory it calls.
#include <utility>

#include "postgresql_backend.hpp"
#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage.hpp"

#ifndef VG_STORAGE_POSTGRESQL_VERSION
#define VG_STORAGE_POSTGRESQL_VERSION "0.0.0"
#endif

namespace {

namespace api = vergegrid::plugin_api;
namespace impl = vergegrid::plugins::postgresql;

constexpr const char* kConfigKeys[] = {
    "host",    "port", "dbname", "user", "password", "pool_size", "connect_timeout_s",
    "sslmode", nullptr};

api::PluginObject* create(const api::HostContext& host) {
    return new impl::PostgresqlBackend(impl::parse_config(host.config), host.logger);
}

constexpr api::PluginDescriptor kDescriptor{
    .struct_size = sizeof(api::PluginDescriptor),
    .abi_major = api::kAbiMajor,
    .abi_minor = api::kAbiMinor,
    .kind = "storage",
    .name = "postgresql",
    .version = VG_STORAGE_POSTGRESQL_VERSION,
    .summary = "PostgreSQL server through SOCI; for several control planes sharing one grid",
    .config_keys = kConfigKeys,
    .create = &create,
};
static_assert(api::kind::kStorage == kDescriptor.kind);

const api::PluginDescriptor* descriptor() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(descriptor)
