// The storage extension that keeps region migrations (ABI 1.6), reached from a transaction. A
// storage plugin built before 1.6 lacks it: every move with content, drain, evacuation and
// rebalance then answers 503 "migrations_unavailable" and the rest of the control plane runs as
// before.
#pragma once

#include "control/domain/domain_error.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Null for a storage plugin built before ABI 1.6.
inline plugin_api::MigrationLedger* find_migration_ledger(plugin_api::StorageTransaction& tx) {
    return dynamic_cast<plugin_api::MigrationLedger*>(&tx);
}

inline plugin_api::MigrationLedger& migration_ledger(plugin_api::StorageTransaction& tx) {
    if (auto* ledger = find_migration_ledger(tx)) {
        return *ledger;
    }
    throw DomainError(Fault::unavailable, "migrations_unavailable",
                      "the storage plugin keeps no region migrations (it predates plugin ABI 1.6)");
}

}  // namespace vergegrid::control
