// Region migrations (docs/migration.md): a move of one region with its content from its
// simulator to another, planned by the migration plugin (plugin_api/migration.hpp) and carried
// out step by step as durable operations (snapshot on the source, create and load on the target,
// the switch in one transaction, the teardown on the source). A failed step rolls the move back
// to the source still serving. Batches move many regions: the drain of a simulator, the
// evacuation of an offline one (from snapshots), a rebalance of the grid. Every change is one
// command with its audited event; what an operation's result sets off (the next step, the
// rollback, the next move of a batch) happens in the transaction that records the result.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_service.hpp"
#include "control/regions/region_service.hpp"
#include "vergegrid/plugin_api/migration.hpp"
#include "vergegrid/plugin_api/semver.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"

namespace vergegrid::control {

// The audit actor of moves a batch starts on its own (the next region of a drain).
inline constexpr const char* kMigrationActor = "system:migration";

// How one region moves. Defaults: cold, avatars warned, 300 s to empty when asked to wait.
struct MoveOptions {
    std::string simulator_id;  // the target; "" = wherever the policy puts it off its simulator
    bool force = false;        // keep the target even when the policy refuses it
    bool warm = false;         // first snapshot while serving, then a short final one
    bool when_empty = false;   // wait for no avatars on the region (up to deadline_s)
    int deadline_s = 300;      // 1..3600: how long when_empty waits before the move fails
    std::string message;       // the warning avatars get ("" = a standard text naming the region)
};

struct StartMove {
    std::string region_id;
    std::optional<plugin_api::SemVer> expected_version;
    MoveOptions options;
};

// A move as the API shows it: the record and, while it runs, the progress of its operation.
struct MigrationView {
    plugin_api::Migration migration;
    std::optional<Decision> decision;  // where placement put the target and why (at the start)
};

// A batch with its moves and the count of each outcome: done (succeeded), failed (rolled back to
// the source), cancelled (queued moves of a cancelled batch, or moves cancelled on request), left
// (queued or running; `running` of them started). total = done + failed + cancelled + left.
struct BatchView {
    plugin_api::MigrationBatch batch;
    std::vector<plugin_api::Migration> migrations;  // oldest first
    int total = 0, done = 0, failed = 0, cancelled = 0, running = 0, left = 0;
};

struct DrainSimulator {
    std::string simulator_id;
    int max_parallel = 2;  // 1..16
    MoveOptions options;   // simulator_id must be empty (each region goes where policy says)
};

struct EvacuateSimulator {
    std::string simulator_id;  // must be offline (409 simulator_not_offline otherwise)
    int max_parallel = 2;
};

struct Rebalance {
    bool dry_run = true;
    int max_moves = 10;  // 1..1000
    int max_parallel = 2;
    MoveOptions options;  // simulator_id must be empty
};

// One move a rebalance plans: the region, from, to, and the policy's reasons.
struct RebalanceMove {
    std::string region_id;
    std::string region_name;
    std::string from_simulator_id;
    std::string to_simulator_id;
    std::vector<std::string> reasons;
};

struct RebalanceResult {
    std::vector<RebalanceMove> moves;
    std::optional<BatchView> batch;  // the batch carrying them out (not for a dry run, nor empty)
};

struct MigrationQuery {
    plugin_api::MigrationFilter filter;
    std::string before;  // cursor of the previous page ("" = from the newest)
    int limit = 50;
};

struct BatchQuery {
    std::string simulator_id;  // "" = every simulator's
    std::string before;        // cursor of the previous page ("" = from the newest)
    int limit = 100;
};

// What moves need; all must outlive the service.
struct MigrationDependencies {
    Store store;
    std::shared_ptr<const RegionService> regions;
    std::shared_ptr<PlacementService> placement;
    OperationSignals* signals = nullptr;
    std::shared_ptr<plugin_api::MigrationStrategy> strategy;  // null: 503 migrations_unavailable
    std::string strategy_name;                                // e.g. "oar"
    // A step whose operation has not ended after this long fails the move (0 = never):
    // migration.step_timeout_s.
    int step_timeout_s = 1800;
};

class MigrationService {
  public:
    explicit MigrationService(MigrationDependencies dependencies);

    // Operators. Errors (DomainError): not_found region/simulator; 412 expected version;
    // conflict "region_moving" (a move of it is active), "not_placed", "placement_refused" /
    // "no_placement" (as today's move), "snapshots_unavailable"; unavailable
    // "migrations_unavailable".
    Committed<MigrationView> move(const Actor& actor, const StartMove& command) const;
    Committed<BatchView> drain(const Actor& actor, const DrainSimulator& command) const;
    Committed<BatchView> evacuate(const Actor& actor, const EvacuateSimulator& command) const;
    // A dry run commits nothing (and is not audited); otherwise the moves start as a batch.
    Committed<RebalanceResult> rebalance(const Actor& actor, const Rebalance& command) const;
    // A move that has not switched: no further step starts, what the target got is torn down,
    // the source keeps serving (state cancelled). After the switch: conflict "already_switched".
    Committed<plugin_api::Migration> cancel(const Actor& actor, const std::string& id) const;
    // No new move of the batch starts; queued ones are cancelled, running ones finish.
    Committed<BatchView> cancel_batch(const Actor& actor, const std::string& id) const;

    plugin_api::Migration get(const std::string& id) const;
    std::vector<plugin_api::Migration> list(const MigrationQuery& query) const;
    BatchView batch(const std::string& id) const;
    // Newest first; "" = every simulator.
    // Newest first. A cursor needs a storage plugin of ABI 1.12 (503 storage_unsupported).
    std::vector<BatchView> batches(const BatchQuery& query) const;

    // The operations' result observer: the next step, a rollback, or the next move of a batch.
    void on_operation_result(Changes& changes, const plugin_api::Operation& operation) const;
    // Background job: moves whose step waited longer than step_timeout_s fail (rolled back; after
    // the switch: succeeded with a teardown error). `now` as now_iso8601(). Returns how many.
    int fail_stalled(const std::string& now) const;

  private:
    MigrationDependencies deps_;
};

// For the other areas, inside their transactions: whether a move of the region is active (the
// region's other changes are refused with 409 region_moving while it is), and the reservations
// of active moves (target simulator, host, port) that placement must count.
bool region_is_moving(plugin_api::StorageTransaction& tx, const std::string& region_id);

}  // namespace vergegrid::control
