// Entry point of vg-storage-mysql: the descriptor the host reads and the factory it calls.
#include <utility>

#include "mysql_backend.hpp"
#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage.hpp"

#ifndef VG_STORAGE_MYSQL_VERSION
#define VG_STORAGE_MYSQL_VERSION "0.0.0"
#endif

namespace {

namespace api = vergegrid::plugin_api;
namespace impl = vergegrid::plugins::mysql;

constexpr const char* kConfigKeys[] = {
    "host", "port", "db", "user", "password", "pool_size", "connect_timeout_s", nullptr};

api::PluginObject* create(const api::HostContext& host) {
    return new impl::MysqlBackend(impl::parse_config(host.config), host.logger);
}

constexpr api::PluginDescriptor kDescriptor{
    .struct_size = sizeof(api::PluginDescriptor),
    .abi_major = api::kAbiMajor,
    .abi_minor = api::kAbiMinor,
    .kind = "storage",
    .name = "mysql",
    .version = VG_STORAGE_MYSQL_VERSION,
    .summary = "MariaDB or MySQL server through SOCI (utf8mb4); for several control planes",
    .config_keys = kConfigKeys,
    .create = &create,
};
static_assert(api::kind::kStorage == kDescriptor.kind);

const api::PluginDescriptor* descriptor() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(descriptor)
