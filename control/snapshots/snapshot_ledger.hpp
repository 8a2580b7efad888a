// The storage extension that keeps snapshot records (ABI 1.5), reached from a transaction. A
// storage plugin built before 1.5 lacks it: every snapshot command then answers 503
// "snapshots_unavailable" and the rest of the control plane runs as before.
#pragma once

#include "control/domain/domain_error.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Null for a storage plugin built before ABI 1.5.
inline plugin_api::SnapshotLedger* find_snapshot_ledger(plugin_api::StorageTransaction& tx) {
    return dynamic_cast<plugin_api::SnapshotLedger*>(&tx);
}

inline plugin_api::SnapshotLedger& snapshot_ledger(plugin_api::StorageTransaction& tx) {
    if (auto* ledger = find_snapshot_ledger(tx)) {
        return *ledger;
    }
    throw DomainError(Fault::unavailable, "snapshots_unavailable",
                      "the storage plugin keeps no snapshots (it predates plugin ABI 1.5)");
}

}  // namespace vergegrid::control
