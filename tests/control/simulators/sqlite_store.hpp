// A Store on the real SQLite storage plugin, loaded from its shared object the way the kernel
// loads it, in a fresh database with the audit trail as its event consumer. Define
// VERGEGRID_PLUGIN_DIR.
#pragma once

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "control/audit/audit_trail.hpp"
#include "control/common/extensions.hpp"
#include "control/domain/store.hpp"
#include "kernel/services/active_slot.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace vergegrid::test {

class SqliteStore {
  public:
    SqliteStore()
        : registry_(plugin_host::PluginLoader(std::make_shared<spdlog::logger>(
              "test", std::make_shared<spdlog::sinks::null_sink_mt>()))) {
        registry_.add(std::filesystem::path(VERGEGRID_PLUGIN_DIR) / "vg-storage-sqlite.so");
        auto plugin = registry_.find("storage", "sqlite");
        if (!plugin) {
            throw std::runtime_error("the sqlite storage plugin did not load");
        }
        const plugin_api::ConfigSection config{{"path", (dir_.path() / "test.db").string()}};
        const plugin_api::HostContext host{plugin_api::kAbiVersion, logger_, config,
                                           dir_.path().string()};
        auto backend = plugin->create<plugin_api::StorageBackend>(host);
        backend->open();
        slot_.swap(std::move(backend));
    }
    ~SqliteStore() { slot_.swap(nullptr); }  // the backend before its plugin
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    control::Store store() {
        return control::Store(
            slot_, std::make_shared<const control::EventConsumers>(
                       control::EventConsumers{std::make_shared<control::AuditTrail>()}));
    }

    // The audit rows of `action`, newest first.
    std::vector<plugin_api::AuditEntry> audit(const std::string& action) {
        return store().read([&](plugin_api::StorageTransaction& tx) {
            plugin_api::AuditFilter filter;
            filter.action = action;
            return tx.list_audit(filter, 0, 1000);
        });
    }

    void write(const std::function<void(plugin_api::StorageTransaction&)>& work) {
        store().write(work);
    }

  private:
    TempDir dir_;
    std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
    plugin_host::PluginRegistry registry_;
    kernel::services::ActiveSlot<plugin_api::StorageBackend> slot_;
};

}  // namespace vergegrid::test
