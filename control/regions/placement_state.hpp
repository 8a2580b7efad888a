// Pending regions (docs/api.md, "Pending regions"): a region no simulator could take when
// it was created waits, with host "" and port 0, until the PendingPlacer puts it on one. These
// helpers read that state for answers and refuse what a pending region cannot do yet.
#pragma once

#include <string>
#include <vector>

#include "control/placement/placement_engine.hpp"
#include "control/regions/region_record.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Whether the region waits for a simulator (false with a storage plugin older than ABI 1.7).
bool is_pending(plugin_api::StorageTransaction& tx, const std::string& region_id);

// The record (records: one query per 32) with placement_pending and placement_reasons filled in.
RegionRecord with_placement_state(plugin_api::StorageTransaction& tx, RegionRecord record);
void fill_placement_states(plugin_api::StorageTransaction& tx, std::vector<RegionRecord>& records);

// 409 region_pending: `what` ("restart", "a snapshot", ...) needs a simulator and the region has
// none yet.
void refuse_pending(plugin_api::StorageTransaction& tx, const std::string& region_id,
                    const std::string& what);

// The reasons a refusal is stored with: each simulator's refusal, or the summary when none
// was asked (no simulator at all).
std::vector<std::string> refusal_reasons(const Decision& decision);

}  // namespace vergegrid::control
