// Whether a region is being moved (docs/migration.md), read from the storage's MigrationLedger
// inside the caller's transaction. The regions and snapshots areas use it to refuse a region's
// other changes while it moves, and placement to count the slot and port a move has reserved on
// its target; the migrations area, which writes the moves, builds on the regions area, so the
// check lives here and not there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/placement/grid_load.hpp"  // holds_reservation
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Every move queued, running or rolling back, oldest first; none for a storage plugin built
// before ABI 1.6 (it keeps no moves).
std::vector<plugin_api::Migration> active_migrations(plugin_api::StorageTransaction& tx);

// The active move of the region, if any.
std::optional<plugin_api::Migration> active_migration_of(plugin_api::StorageTransaction& tx,
                                                         const std::string& region_id);

// Throws DomainError conflict "region_moving" (field "id") while a move of the region is active.
void refuse_while_moving(plugin_api::StorageTransaction& tx, const std::string& region_id);

}  // namespace vergegrid::control
