// Entry point of vg-storage-sqlite: the descriptor the host reads and the factory it calls.
#include <utility>

#include "sqlite_backend.hpp"
#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage.hpp"

#ifndef VG_STORAGE_SQLITE_VERSION
#define VG_STORAGE_SQLITE_VERSION "0.0.0"
#endif

namespace {

namespace api = vergegrid::plugin_api;
namespace impl = vergegrid::plugins::sqlite;

constexpr const char* kConfigKeys[] = {"path", "busy_timeout_ms", "pool_size", "checkpoint_pages",
                                       nullptr};

api::PluginObject* create(const api::HostContext& host) {
    impl::SqliteConfig config = impl::parse_config(host.config, host.data_dir);
    return new impl::SqliteBackend(std::move(config), host.logger);
}

constexpr api::PluginDescriptor kDescriptor{
    .struct_size = sizeof(api::PluginDescriptor),
    .abi_major = api::kAbiMajor,
    .abi_minor = api::kAbiMinor,
    .kind = "storage",
    .name = "sqlite",
    .version = VG_STORAGE_SQLITE_VERSION,
    .summary = "SQLite database file (WAL) through SOCI; zero setup, one control plane",
    .config_keys = kConfigKeys,
    .create = &create,
};
static_assert(api::kind::kStorage == kDescriptor.kind);

const api::PluginDescriptor* descriptor() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(descriptor)
