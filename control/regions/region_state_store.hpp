// Where a region's state policy lives: beside the region, in the same transaction, through the
// storage extension SnapshotLedger (ABI 1.5). A storage plugin without it keeps no policy: every
// region then reads the defaults (persistent, no optional parts), and a write of anything else is
// refused with 503 snapshots_unavailable naming the field, rather than silently dropped.
#pragma once

#include <string>

#include "control/regions/region_record.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

StatePolicy load_state_policy(plugin_api::StorageTransaction& tx, const std::string& region_id);
// The region with its policy; not_found when there is no such region.
RegionRecord load_region_record(plugin_api::StorageTransaction& tx, const std::string& region_id);
RegionRecord with_state_policy(plugin_api::StorageTransaction& tx, plugin_api::Region region);
// Stores `policy` when the storage keeps policies (inserts or replaces).
void save_state_policy(plugin_api::StorageTransaction& tx, const std::string& region_id,
                       const StatePolicy& policy);
void delete_state_policy(plugin_api::StorageTransaction& tx, const std::string& region_id);

}  // namespace vergegrid::control
