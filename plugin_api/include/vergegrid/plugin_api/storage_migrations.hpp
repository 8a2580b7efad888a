// ABI 1.6 extension of StorageTransaction: region migrations (docs/migration.md). One row per
// move of one region and one per batch of moves (a drain, an evacuation, a rebalance). A
// transaction of an older storage plugin does not implement it (dynamic_cast gives null): the
// control plane then refuses moves with content (503 migrations_unavailable) and says so.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::plugin_api {

// IN/OUT. Frozen. Since 1.6. One region's move from one simulator to another.
struct Migration {
    std::string id;        // UUID
    std::string batch_id;  // the drain/evacuation/rebalance it belongs to; "" = a single move
    std::string region_id;
    std::string region_name;  // when the move began
    std::string source_simulator_id;
    std::string target_simulator_id;
    std::string target_host;  // reserved from the start: the target's slot and port
    int target_port = 0;
    std::string strategy;  // the migration plugin that planned it, e.g. "oar"
    // JSON object text: {"warm","when_empty","deadline_s","message","force","evacuate"}.
    std::string options;
    // queued (a batch's move not started), running, rolling_back, succeeded, failed (rolled back
    // to the source), cancelled (before it started or rolled back on request).
    std::string state;
    std::string plan;               // JSON array text of step names, in order
    std::string step;               // the step running now ("" before the first and after the end)
    std::int64_t operation_id = 0;  // the operation the step waits for; 0 = none
    // JSON object text: what happened so far: {"steps":[{"step","operation_id","state",
    // "started_at","finished_at","ms","detail"?}], "downtime_started_at", "downtime_ms",
    // "first_snapshot":{"id","size_bytes","ms"}, "final_snapshot":{...}, "loss_window_s",
    // "snapshot_id" (the one the next load uses), "agents", "target_created"}.
    std::string detail;
    std::string error;  // why it failed or was cancelled; "" otherwise
    std::string actor;
    std::string created_at;
    std::string updated_at;
};

// IN/OUT. Frozen. Since 1.6. Moves started together: a drain or an evacuation of one simulator,
// or a rebalance of the grid.
struct MigrationBatch {
    std::string id;            // UUID
    std::string kind;          // drain, evacuate, rebalance
    std::string simulator_id;  // the simulator drained or evacuated; "" for a rebalance
    std::string state;         // running, finished, cancelled
    int max_parallel = 2;      // moves of the batch running at once
    std::string options;       // JSON object text: the move options every move of it takes
    std::string actor;
    std::string created_at;
    std::string updated_at;
};

// IN (may grow at the end). Since 1.6. Empty fields do not filter.
struct MigrationFilter {
    std::string region_id;
    std::string batch_id;
    std::string state;
    std::string simulator_id;  // the source or the target
};

// Since 1.6 (every method below). Implemented by the transaction object; the host finds it with
// dynamic_cast and never deletes it through this interface.
class BOOST_SYMBOL_VISIBLE MigrationLedger {
  public:
    virtual ~MigrationLedger() = default;

    virtual void insert_migration(const Migration& migration) = 0;
    virtual void update_migration(const Migration& migration) = 0;
    virtual std::optional<Migration> find_migration(const std::string& id) = 0;
    // The migration whose current step waits for that operation.
    virtual std::optional<Migration> find_migration_by_operation(std::int64_t operation_id) = 0;
    // Newest first (created_at, then id, both descending); keyset cursor as for snapshots.
    virtual std::vector<Migration> list_migrations(const MigrationFilter& filter,
                                                   const std::string& before_created_at,
                                                   const std::string& before_id, int limit) = 0;
    // Every migration in state queued, running or rolling_back, oldest first (created_at, id).
    virtual std::vector<Migration> list_active_migrations() = 0;

    virtual void insert_migration_batch(const MigrationBatch& batch) = 0;
    virtual void update_migration_batch(const MigrationBatch& batch) = 0;
    virtual std::optional<MigrationBatch> find_migration_batch(const std::string& id) = 0;
    // Newest first; "" simulator_id = every batch.
    virtual std::vector<MigrationBatch> list_migration_batches(const std::string& simulator_id,
                                                               int limit) = 0;
};

// ABI 1.12 extension of StorageTransaction: the batches paged like the migrations. A transaction
// of an older storage plugin does not implement it: the control plane then answers the first
// page only and refuses a cursor (503 storage_unsupported).
class BOOST_SYMBOL_VISIBLE MigrationBatchPages {
  public:
    virtual ~MigrationBatchPages() = default;

    // Newest first (created_at, then id, both descending), strictly before the keyset
    // (`before_created_at`, `before_id`); both "" = from the newest. "" simulator_id = every batch.
    virtual std::vector<MigrationBatch> list_migration_batches_before(
        const std::string& simulator_id, const std::string& before_created_at,
        const std::string& before_id, int limit) = 0;
};

}  // namespace vergegrid::plugin_api
