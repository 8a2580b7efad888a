// The storage contract suite: one fixture, value-parameterised over the backend name. Every test
// loads the real plugin module the way the kernel does (boost::dll, RTLD_NOW | RTLD_LOCAL, the
// descriptor, create() with a HostContext) against a fresh database, and talks to it only through
// plugin_api::StorageBackend / StorageTransaction, except where it says it looks underneath.
//
// Why boost::dll and not plugin_host::PluginLoader: vergegrid_kernel does not build on this
// branch while kernel/http is being finished elsewhere; the steps below are the loader's own.
#pragma once

#include <gtest/gtest.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>

#include "../sqlite_test_support.hpp"
#include "backend_harness.hpp"
#include "sample_data.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"
#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/storage_grid_changes.hpp"
#include "vergegrid/plugin_api/storage_grid_rules.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_pending.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::test::storage {

class StorageContract : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override;
    void TearDown() override;

    // A new backend object from the plugin for `config` (not opened). The fixture keeps it.
    plugin_api::StorageBackend& create_backend(const plugin_api::ConfigSection& config);
    plugin_api::StorageBackend& storage() { return *storage_; }
    // A backend object from the plugin on another database than the fixture's (an upgrade test's
    // old one), logging to `logger`, not opened. The caller destroys it before that database.
    std::unique_ptr<plugin_api::PluginObject> create_backend_on(
        const BackendHarness& database, std::shared_ptr<CollectingLogger> logger) const;

    std::unique_ptr<plugin_api::StorageTransaction> write() {
        return storage_->begin(plugin_api::Access::read_write);
    }
    std::unique_ptr<plugin_api::StorageTransaction> read() {
        return storage_->begin(plugin_api::Access::read);
    }

    // Commits an estate (and a template) for regions to refer to.
    plugin_api::Estate seed_estate(int n, const std::string& name);
    plugin_api::Template seed_template(int n, const std::string& name);

    std::unique_ptr<BackendHarness> harness_;  // first: the database outlives the plugin objects
    std::shared_ptr<boost::dll::shared_library> library_;
    const plugin_api::PluginDescriptor* descriptor_ = nullptr;
    std::shared_ptr<CollectingLogger> logger_ = std::make_shared<CollectingLogger>();
    std::vector<std::unique_ptr<plugin_api::PluginObject>> objects_;  // destroyed first
    plugin_api::StorageBackend* storage_ = nullptr;                   // objects_.front(), opened
};

// The ABI 1.1 extensions of a transaction, reached the way the host reaches them (dynamic_cast
// across the module boundary). Throw std::runtime_error when the transaction lacks them.
plugin_api::AccessStore& access_store(plugin_api::StorageTransaction& tx);
plugin_api::OperationStore& operation_store(plugin_api::StorageTransaction& tx);
// ABI 1.3: GridStore, the same way.
plugin_api::GridStore& grid_store(plugin_api::StorageTransaction& tx);
// ABI 1.5: SnapshotLedger, the same way.
plugin_api::SnapshotLedger& snapshot_ledger(plugin_api::StorageTransaction& tx);
// ABI 1.6: MigrationLedger, the same way.
plugin_api::MigrationLedger& migration_ledger(plugin_api::StorageTransaction& tx);
// ABI 1.7: PendingPlacementStore and GridChangeLog, the same way.
plugin_api::PendingPlacementStore& pending_store(plugin_api::StorageTransaction& tx);
plugin_api::GridChangeLog& change_log(plugin_api::StorageTransaction& tx);
// ABI 1.8: GridRuleQueries, the same way.
plugin_api::GridRuleQueries& rule_queries(plugin_api::StorageTransaction& tx);

// Runs `action` in the read-write transaction `tx` and expects the database to refuse it with
// StorageConflict; afterwards the transaction must refuse to commit.
template <typename Action>
void expect_storage_conflict(std::unique_ptr<plugin_api::StorageTransaction> tx, Action action,
                             const std::string& what) {
    try {
        action(*tx);
        ADD_FAILURE() << what << " was accepted";
    } catch (const plugin_api::StorageConflict& e) {
        EXPECT_FALSE(std::string(e.what()).empty()) << what;
    } catch (const std::exception& e) {
        ADD_FAILURE() << what << " threw something other than StorageConflict: " << e.what();
    }
    EXPECT_THROW(tx->commit(), plugin_api::StorageError) << what;
}

}  // namespace vergegrid::test::storage
