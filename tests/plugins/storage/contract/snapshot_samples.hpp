// Records of the ABI 1.5 SnapshotLedger for the contract tests, every field set to something other
// than its default (sizes beyond 32 bits, unicode text, JSON documents), and their dumps.
#pragma once

#include <string>

#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::test::storage {

// A complete manual snapshot of `region_id` taken at `created_at`, saved by operation
// `operation_id` (0 = not queued yet).
plugin_api::Snapshot sample_snapshot(int n, const std::string& region_id,
                                     const std::string& created_at, std::int64_t operation_id = 0);
plugin_api::RegionStatePolicy sample_policy(const std::string& region_id,
                                            const std::string& lifecycle);
plugin_api::OperationProgress sample_progress(std::int64_t operation_id);

// Every field as one line per field (doubles in their shortest exact form).
std::string dump(const plugin_api::Snapshot& snapshot);
std::string dump(const plugin_api::RegionStatePolicy& policy);
std::string dump(const plugin_api::OperationProgress& progress);

}  // namespace vergegrid::test::storage
