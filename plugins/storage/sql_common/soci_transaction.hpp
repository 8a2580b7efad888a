// StorageTransaction over one leased SOCI session: the repository layer shared by the sqlite,
// postgresql and mysql plugins. It also implements the extensions AccessStore and OperationStore
// (ABI 1.1), GridStore (1.3), SnapshotLedger (1.5), MigrationLedger (1.6), GridChangeLog,
// PendingPlacementStore and SavepointStore (1.7), GridRuleQueries (1.8), ReplicaStore (1.9),
// EventOutbox, EventSubscriptions and AuditChain (1.10), RolloutLedger (1.11), which the host
// reaches with dynamic_cast from the StorageTransaction (their type information is exported:
// BOOST_SYMBOL_VISIBLE; this class itself stays hidden). Every statement is fixed SQL text
// (composed from fixed fragments where a filter is optional); values only travel through soci::use
// bindings.
//
// Split by subject to keep files small: soci_transaction.cpp (lifecycle, estates, templates),
// soci_transaction_regions.cpp (regions), soci_transaction_log.cpp (history,
// audit), soci_transaction_access.cpp (users, tokens, simulators), soci_transaction_operations.cpp
// (the operation queue), soci_transaction_pending.cpp (pending regions),
// soci_transaction_snapshots.cpp (snapshots, region state policies, operation progress),
// soci_transaction_migrations.cpp (region moves and their batches),
// soci_transaction_savepoints.cpp (savepoints, for group commit), soci_transaction_replicas.cpp
// (the control-plane replicas, ABI 1.9), soci_transaction_events.cpp (the event outbox, 1.10),
// soci_transaction_event_subscriptions.cpp (event subscriptions and their deliveries, 1.10),
// soci_transaction_audit_chain.cpp (the audit log's hash chain, 1.10).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "connection_pool.hpp"
#include "dialect.hpp"
#include "log_stage.hpp"
#include "statement_cache.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/storage_grid_changes.hpp"
#include "vergegrid/plugin_api/storage_grid_rules.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_pending.hpp"
#include "vergegrid/plugin_api/storage_rollouts.hpp"
#include "vergegrid/plugin_api/storage_savepoints.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"
#include "writer_gate.hpp"

namespace soci {
class session;
class statement;
}  // namespace soci

namespace vergegrid::plugins::sql {

class SociTransaction final : public plugin_api::StorageTransaction,
                              public plugin_api::AccessStore,
                              public plugin_api::OperationStore,
                              public plugin_api::GridStore,
                              public plugin_api::SnapshotLedger,
                              public plugin_api::MigrationLedger,
                              public plugin_api::MigrationBatchPages,
                              public plugin_api::GridChangeLog,
                              public plugin_api::PendingPlacementStore,
                              public plugin_api::SavepointStore,
                              public plugin_api::GridRuleQueries,
                              public plugin_api::ReplicaStore,
                              public plugin_api::EventOutbox,
                              public plugin_api::EventSubscriptions,
                              public plugin_api::AuditChain,
                              public plugin_api::RolloutLedger {
  public:
    // Opens the transaction (the dialect's begin statements, plus the grid lock for read_write).
    // Throws StorageBusy when the lock is not granted in time. `turn` (possibly empty) is released
    // when the transaction ends.
    SociTransaction(ConnectionPool::Lease lease, const Dialect& dialect, plugin_api::Access access,
                    WriterGate::Turn turn = {});
    ~SociTransaction() override;  // rolls back unless committed

    SociTransaction(const SociTransaction&) = delete;
    SociTransaction& operator=(const SociTransaction&) = delete;

    void commit() override;

    std::optional<plugin_api::Estate> find_estate(const std::string& id) override;
    std::optional<plugin_api::Estate> find_estate_by_name(const std::string& name) override;
    std::vector<plugin_api::Estate> list_estates(const std::string& after_name, int limit) override;
    void insert_estate(const plugin_api::Estate& estate) override;
    void update_estate(const plugin_api::Estate& estate) override;
    void delete_estate(const std::string& id) override;
    int count_regions_in_estate(const std::string& estate_id) override;

    std::optional<plugin_api::Template> find_template(const std::string& id) override;
    std::optional<plugin_api::Template> find_template_by_name(const std::string& name) override;
    std::vector<plugin_api::Template> list_templates(const std::string& after_name,
                                                     int limit) override;
    void insert_template(const plugin_api::Template& tmpl) override;
    void update_template(const plugin_api::Template& tmpl) override;
    void delete_template(const std::string& id) override;
    std::vector<plugin_api::TemplateVersion> list_template_versions(
        const std::string& template_id) override;
    std::optional<plugin_api::TemplateVersion> find_template_version(
        const std::string& template_id, const plugin_api::SemVer& version) override;
    int count_regions_from_template(const std::string& template_id) override;

    std::optional<plugin_api::Region> find_region(const std::string& uuid) override;
    std::vector<plugin_api::RegionFootprint> list_region_footprints() override;  // GridStore
    std::optional<plugin_api::Region> find_region_by_name(const std::string& name) override;
    std::vector<plugin_api::Region> list_regions(const plugin_api::RegionFilter& filter,
                                                 const std::string& after_name, int limit) override;
    void insert_region(const plugin_api::Region& region) override;
    void update_region(const plugin_api::Region& region) override;
    void delete_region(const std::string& uuid) override;
    std::vector<plugin_api::Region> find_regions_overlapping(
        int x0, int y0, int x1, int y1, const std::string& exclude_uuid) override;
    std::optional<plugin_api::Region> find_region_by_host_port(
        const std::string& host, int port, const std::string& exclude_uuid) override;

    void append_history(const plugin_api::RegionHistoryEntry& entry) override;
    std::vector<plugin_api::RegionHistoryEntry> list_history(
        const std::string& region_uuid) override;
    std::optional<plugin_api::RegionHistoryEntry> find_history(
        const std::string& region_uuid, const plugin_api::SemVer& version) override;

    std::int64_t append_audit(const plugin_api::AuditEntry& entry) override;
    std::vector<plugin_api::AuditEntry> list_audit(const plugin_api::AuditFilter& filter,
                                                   std::int64_t before_id, int limit) override;

    // ---- AccessStore (ABI 1.1) ----
    int count_users() override;
    std::optional<plugin_api::User> find_user(const std::string& id) override;
    std::optional<plugin_api::User> find_user_by_name(const std::string& name) override;
    std::vector<plugin_api::User> list_users() override;
    void insert_user(const plugin_api::User& user) override;
    void update_user(const plugin_api::User& user) override;

    std::optional<plugin_api::AccessToken> find_access_token_by_hash(
        const std::string& token_hash) override;
    std::vector<plugin_api::AccessToken> list_access_tokens(const std::string& user_id) override;
    void insert_access_token(const plugin_api::AccessToken& token) override;
    // Keeps the first revocation time when the token is revoked already.
    void revoke_access_token(const std::string& id, const std::string& at) override;

    std::optional<plugin_api::RegistrationToken> find_registration_token_by_hash(
        const std::string& token_hash) override;
    void insert_registration_token(const plugin_api::RegistrationToken& token) override;
    // One conditional UPDATE: true when this call set used_at, false when it was set already.
    // StorageError when there is no such token or `at` is empty.
    bool consume_registration_token(const std::string& id, const std::string& simulator_id,
                                    const std::string& at) override;

    std::optional<plugin_api::Simulator> find_simulator(const std::string& id) override;
    // The current key first, then the previous one; "" finds nothing.
    std::optional<plugin_api::Simulator> find_simulator_by_key_hash(
        const std::string& key_hash) override;
    std::vector<plugin_api::Simulator> list_simulators() override;
    void insert_simulator(const plugin_api::Simulator& simulator) override;
    void update_simulator(const plugin_api::Simulator& simulator) override;

    // ---- OperationStore (ABI 1.1) ----
    std::int64_t insert_operation(const plugin_api::Operation& operation) override;
    std::optional<plugin_api::Operation> find_operation(std::int64_t id) override;
    void update_operation(const plugin_api::Operation& operation) override;
    // The newest one when there are several.
    std::optional<plugin_api::Operation> find_pending_lazy_operation(
        const std::string& region_uuid, const std::string& simulator_id) override;
    std::vector<plugin_api::Operation> list_deliverable_operations(const std::string& simulator_id,
                                                                   const std::string& now,
                                                                   int limit) override;
    std::vector<plugin_api::Operation> list_operations(const plugin_api::OperationFilter& filter,
                                                       std::int64_t before_id, int limit) override;

    // ---- SnapshotLedger (ABI 1.5) ----
    void insert_snapshot(const plugin_api::Snapshot& snapshot) override;
    // StorageError when there is no such snapshot.
    void update_snapshot(const plugin_api::Snapshot& snapshot) override;
    std::optional<plugin_api::Snapshot> find_snapshot(const std::string& id) override;
    // 0 finds nothing (a snapshot not yet queued).
    std::optional<plugin_api::Snapshot> find_snapshot_by_operation(
        std::int64_t operation_id) override;
    std::vector<plugin_api::Snapshot> list_snapshots(const plugin_api::SnapshotFilter& filter,
                                                     const std::string& before_created_at,
                                                     const std::string& before_id,
                                                     int limit) override;
    void delete_snapshot(const std::string& id) override;
    int count_snapshots_with_sha256(const std::string& sha256) override;
    std::vector<std::string> list_snapshot_region_ids(const std::string& after_region_id,
                                                      int limit) override;
    std::optional<plugin_api::RegionStatePolicy> find_region_state_policy(
        const std::string& region_id) override;
    // StorageConflict when the region does not exist.
    void put_region_state_policy(const plugin_api::RegionStatePolicy& policy) override;
    void delete_region_state_policy(const std::string& region_id) override;
    std::vector<plugin_api::RegionStatePolicy> list_region_state_policies(
        const std::string& lifecycle, const std::string& after_region_id, int limit) override;
    // StorageConflict when the operation does not exist.
    void put_operation_progress(const plugin_api::OperationProgress& progress) override;
    std::optional<plugin_api::OperationProgress> find_operation_progress(
        std::int64_t operation_id) override;

    // ---- MigrationLedger (ABI 1.6) ----
    void insert_migration(const plugin_api::Migration& migration) override;
    // StorageError when there is no such migration.
    void update_migration(const plugin_api::Migration& migration) override;
    std::optional<plugin_api::Migration> find_migration(const std::string& id) override;
    // 0 finds nothing (a move waiting for no operation).
    std::optional<plugin_api::Migration> find_migration_by_operation(
        std::int64_t operation_id) override;
    std::vector<plugin_api::Migration> list_migrations(const plugin_api::MigrationFilter& filter,
                                                       const std::string& before_created_at,
                                                       const std::string& before_id,
                                                       int limit) override;
    std::vector<plugin_api::Migration> list_active_migrations() override;
    void insert_migration_batch(const plugin_api::MigrationBatch& batch) override;
    // StorageError when there is no such batch.
    void update_migration_batch(const plugin_api::MigrationBatch& batch) override;
    std::optional<plugin_api::MigrationBatch> find_migration_batch(const std::string& id) override;
    std::vector<plugin_api::MigrationBatch> list_migration_batches(const std::string& simulator_id,
                                                                   int limit) override;
    // ---- MigrationBatchPages (ABI 1.12) ----
    std::vector<plugin_api::MigrationBatch> list_migration_batches_before(
        const std::string& simulator_id, const std::string& before_created_at,
        const std::string& before_id, int limit) override;

    // ---- RolloutLedger (ABI 1.11): soci_transaction_rollouts.cpp ----
    void insert_rollout(const plugin_api::Rollout& rollout) override;
    void update_rollout(const plugin_api::Rollout& rollout) override;
    std::optional<plugin_api::Rollout> find_rollout(const std::string& id) override;
    std::vector<plugin_api::Rollout> list_rollouts(const std::string& template_id,
                                                   const std::string& before_created_at,
                                                   const std::string& before_id,
                                                   int limit) override;
    std::vector<plugin_api::Rollout> list_active_rollouts() override;
    void insert_rollout_region(const plugin_api::RolloutRegion& region) override;
    void update_rollout_region(const plugin_api::RolloutRegion& region) override;
    std::vector<plugin_api::RolloutRegion> list_rollout_regions(
        const std::string& rollout_id) override;
    // 0 finds nothing (a region waiting for no operation).
    std::optional<plugin_api::RolloutRegion> find_rollout_region_by_operation(
        std::int64_t operation_id) override;

    // ---- GridChangeLog (ABI 1.7) ----
    std::int64_t lock_grid_generation() override;
    plugin_api::GridChanges grid_changes_since(std::int64_t generation) override;
    std::vector<plugin_api::RegionFootprint> find_region_footprints(
        const std::vector<std::string>& uuids) override;
    int count_regions_on_simulator(const std::string& simulator_id) override;
    // ---- PendingPlacementStore (ABI 1.7) ----
    void mark_pending(const std::string& region_id, const std::vector<std::string>& reasons,
                      const std::string& since) override;
    void clear_pending(const std::string& region_id) override;
    std::vector<plugin_api::PendingPlacement> list_pending(int limit) override;
    int count_pending() override;
    std::vector<plugin_api::PendingPlacement> pending_of(
        const std::vector<std::string>& region_ids) override;
    std::vector<plugin_api::Region> list_regions_by_placement(
        const plugin_api::RegionFilter& filter, bool pending, const std::string& after_name,
        int limit) override;
    // ---- SavepointStore (ABI 1.7) ----
    void savepoint(const std::string& name) override;
    void release(const std::string& name) override;
    // Also lifts the refusal after a failed statement (every savepoint still set predates it).
    void rollback_to(const std::string& name) override;

    // ---- GridRuleQueries (ABI 1.8): soci_transaction_regions.cpp ----
    plugin_api::RegionConflicts find_region_conflicts(const plugin_api::Region& region) override;

    // ---- ReplicaStore (ABI 1.9): soci_transaction_replicas.cpp ----
    void save_replica(const plugin_api::Replica& replica) override;
    std::vector<plugin_api::Replica> list_replicas() override;
    int delete_replicas_seen_before(const std::string& seen_at) override;
    void delete_replica(const std::string& id) override;

    // ---- EventOutbox (ABI 1.10): soci_transaction_events.cpp ----
    std::int64_t append_event(const plugin_api::OutboxEvent& event) override;
    std::vector<plugin_api::OutboxEvent> list_events_after(std::int64_t after_seq,
                                                           int limit) override;
    // Also after delete_events removed the newest events (schema 11's events_pruned).
    std::int64_t last_event_seq() override;
    std::int64_t first_event_seq() override;
    int delete_events(std::int64_t through_seq, const std::string& before_time) override;

    // ---- EventSubscriptions (ABI 1.10): soci_transaction_event_subscriptions.cpp ----
    void save_subscription(const plugin_api::EventSubscription& subscription) override;
    std::optional<plugin_api::EventSubscription> find_subscription(const std::string& id) override;
    std::vector<plugin_api::EventSubscription> list_subscriptions(const std::string& sink) override;
    bool delete_subscription(const std::string& id) override;
    // An unknown id changes nothing (the subscription was deleted meanwhile).
    void advance_subscription(const std::string& id, std::int64_t cursor) override;
    std::int64_t lowest_subscription_cursor(std::int64_t fallback) override;
    std::int64_t append_delivery(const plugin_api::EventDelivery& delivery) override;
    std::vector<plugin_api::EventDelivery> list_deliveries(const std::string& subscription_id,
                                                           const std::string& state,
                                                           std::int64_t before_id,
                                                           int limit) override;
    int delete_deliveries_before(const std::string& before_time) override;

    // ---- AuditChain (ABI 1.10): soci_transaction_audit_chain.cpp ----
    std::string last_audit_hash() override;
    std::int64_t append_chained_audit(const plugin_api::AuditEntry& entry,
                                      const std::string& prev_hash,
                                      const std::string& hash) override;
    std::vector<plugin_api::ChainedAudit> list_chained_audit(std::int64_t after_id,
                                                             int limit) override;

  private:
    // One INSERT, UPDATE or DELETE with its values; the text is a constant of the caller's (a
    // region's INSERT is ~1 KiB: not copied per write).
    struct Write {
        const std::string& text;
        BoundValues values;
    };

    // Runs `writes`, then bumps the grid generation and logs `kind`/`entity_id` under it
    // (schema 7): called by every write placement depends on, inside that write's run(). Where
    // the dialect allows writes in WITH, all of it is one statement: one round trip instead of
    // three plus one per write.
    void log_grid_change(soci::session& sql, const char* kind, const std::string& entity_id,
                         std::initializer_list<Write> writes = {});

    // Runs `body` on the session. Database errors become StorageConflict / StorageBusy /
    // StorageError named after `operation`; after any failure the transaction can only be
    // rolled back (PostgreSQL would silently turn a later COMMIT into a rollback: we refuse it
    // on every backend alike).
    void run(const char* operation, const std::function<void(soci::session&)>& body);

    void ensure_open(const char* operation) const;
    // Sends the deferred RELEASE, if any, on its own.
    void send_deferred_release(soci::session& sql);
    // One of the transaction's own statements, without parameters or rows: from the statement
    // cache where the dialect says so (Dialect::caches_transaction_statements).
    void run_control(soci::session& sql, const std::string& statement);
    void note_failure(const char* operation);
    void rollback() noexcept;

    // Runs an INSERT, UPDATE or DELETE prepared once on this connection (its statement cache).
    void execute_cached(soci::session& sql, const std::string& text, const BoundValues& values);
    // The same, returning how many rows it changed.
    int execute_cached_counted(soci::session& sql, const std::string& text,
                               const BoundValues& values);
    // Runs the INSERT `query` from this connection's statement cache and returns the id the
    // database gave the row (RETURNING <id_column>, or the dialect's last_insert_id).
    long long insert_cached_returning_id(soci::session& sql, const std::string& query,
                                         const BoundValues& values,
                                         const std::string& id_column = "id");
    // The one text column `text` selects, from this connection's statement cache.
    std::vector<std::string> select_keys(soci::session& sql, const std::string& text,
                                         const BoundValues& values);
    // kRegionSelect + conditions + order_and_limit, from this connection's statement cache.
    std::vector<plugin_api::Region> select_regions(soci::session& sql,
                                                   const std::string& conditions,
                                                   const std::string& order_and_limit,
                                                   const BoundValues& values);
    void require_row(soci::session& sql, const std::string& count_query, const std::string& key,
                     const std::string& what);
    // The log rows staged and not written yet (Dialect::stages_log_rows), in as few INSERTs as
    // their count allows; inside run(), before anything reads audit_log or events, or commits.
    void write_staged_rows(soci::session& sql);
    // Starts the stage's numbering from the greatest audit id or event seq ever stored.
    void start_log_stage(const char* operation);

    ConnectionPool::Lease lease_;
    const Dialect& dialect_;
    WriterGate::Turn writer_turn_;  // held from begin to commit or rollback
    bool open_ = false;             // begun and not yet committed or rolled back
    bool failed_ = false;           // a statement failed: commit is refused
    // "RELEASE SAVEPOINT x" not sent yet (Dialect::defers_release): sent with the next statement,
    // in one query with it when that is a SAVEPOINT or the COMMIT; dropped by a ROLLBACK.
    std::string deferred_release_;
    // The newest audit row's hash as this transaction wrote it (AuditChain): the next row's link
    // without a SELECT. A writer holds the database's write lock until its commit, so no other
    // connection appends meanwhile; a rollback to a savepoint may remove rows, so it forgets.
    std::optional<std::string> audit_chain_head_;
    // Audit rows and events appended but not written yet (Dialect::stages_log_rows).
    LogStage log_stage_;
};

}  // namespace vergegrid::plugins::sql
