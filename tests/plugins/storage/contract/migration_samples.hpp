// Records of the ABI 1.6 MigrationLedger for the contract tests, every field set to something other
// than its default (unicode text, JSON documents, an operation id beyond 32 bits), and their dumps.
#pragma once

#include <cstdint>
#include <string>

#include "vergegrid/plugin_api/storage_migrations.hpp"

namespace vergegrid::test::storage {

// A running warm move of `region_id` from "sim-a" to "sim-b", begun at `created_at`, part of
// batch `batch_id` ("" = a single move), whose current step waits for `operation_id` (0 = none).
plugin_api::Migration sample_migration(int n, const std::string& region_id,
                                       const std::string& created_at, std::int64_t operation_id = 0,
                                       const std::string& batch_id = "");
// A running drain of `simulator_id` ("" = a rebalance) begun at `created_at`.
plugin_api::MigrationBatch sample_batch(int n, const std::string& simulator_id,
                                        const std::string& created_at);

// Every field as one line per field.
std::string dump(const plugin_api::Migration& migration);
std::string dump(const plugin_api::MigrationBatch& batch);

}  // namespace vergegrid::test::storage
