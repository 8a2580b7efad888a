// The control plane's services over real storage: the vg-storage-sqlite and vg-sync-hybrid
// modules loaded by the kernel's plugin loader into a fresh data directory, the audit trail as
// the Store's event consumer, as the composition wires them.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "control/audit/audit_trail.hpp"
#include "control/domain/store.hpp"
#include "kernel/services/active_slot.hpp"
#include "plugin_host/plugin_loader.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace vergegrid::test {

inline std::shared_ptr<spdlog::logger> quiet_log() {
    return std::make_shared<spdlog::logger>("test",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
}

class ServiceFixture : public ::testing::Test {
  private:
    // First, so that it outlives the storage (its database lives there).
    TempDir dir_;
    std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();

  protected:
    ServiceFixture() {
        auto storage = create<plugin_api::StorageBackend>("vg-storage-sqlite.so", {});
        storage->open();
        storage_.swap(std::move(storage));
        sync_.swap(create<plugin_api::SyncScheduler>("vg-sync-hybrid.so", {{"window_s", "60"}}));
    }

    control::Store store() {
        return control::Store(
            storage_, std::make_shared<const control::EventConsumers>(
                          control::EventConsumers{std::make_shared<control::AuditTrail>()}));
    }

    // Newest first, as GET /audit lists them.
    std::vector<plugin_api::AuditEntry> audit(const std::string& action = "") {
        plugin_api::AuditFilter filter;
        filter.action = action;
        return store().read(
            [&](plugin_api::StorageTransaction& tx) { return tx.list_audit(filter, 0, 1000); });
    }

    static control::Actor actor() { return {"alice", "req-1"}; }

    // The storage's data directory (the SQLite database file lives there): for tests that change
    // the database behind the services' back.
    std::filesystem::path data_dir() const { return dir_.path(); }

    kernel::services::ActiveSlot<plugin_api::StorageBackend> storage_;
    kernel::services::ActiveSlot<plugin_api::SyncScheduler> sync_;

  private:
    template <typename Interface>
    std::shared_ptr<Interface> create(const std::string& file,
                                      const plugin_api::ConfigSection& config) {
        const plugin_host::PluginLoader loader(quiet_log());
        auto outcome = loader.load(std::filesystem::path(VERGEGRID_PLUGIN_DIR) / file);
        if (!outcome.plugin) {
            throw std::runtime_error("cannot load " + file);
        }
        const plugin_api::HostContext host{plugin_api::kAbiVersion, logger_, config,
                                           dir_.path().string()};
        return outcome.plugin->create<Interface>(host);
    }
};

}  // namespace vergegrid::test
