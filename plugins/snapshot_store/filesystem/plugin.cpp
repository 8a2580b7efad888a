// Snapshot store plugin "filesystem" (ABI 1.5): the entry point and its one config key, `dir`
// (default <data_dir>/snapshots; a relative path is taken from the data dir).
#include <filesystem>

#include "filesystem_store.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace fs = std::filesystem;

api::PluginObject* create(const api::HostContext& host) {
    fs::path dir = fs::path(host.data_dir) / "snapshots";
    if (auto it = host.config.find("dir"); it != host.config.end()) {
        if (it->second.empty()) {
            throw api::ConfigError("dir", "must name a directory");
        }
        dir = fs::path(host.data_dir) / it->second;  // an absolute value replaces the data dir
    }
    try {
        auto* store = new vergegrid::snapshot_store::FilesystemStore(dir);
        host.logger->info("snapshots are kept in " + dir.string());
        return store;
    } catch (const api::SnapshotStoreError& e) {
        throw api::ConfigError("dir", e.what());
    }
}

const char* const kConfigKeys[] = {"dir", nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "snapshot_store",
    "filesystem",
    VG_SNAPSHOT_STORE_FILESYSTEM_VERSION,
    "content-addressed snapshot archives in a directory, fsync'd, SHA-256 checked on read",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
