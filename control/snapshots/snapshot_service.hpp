// Snapshots of a region's runtime state (docs/snapshots.md): take one (an eager `snapshot`
// operation for the region's simulator), receive its archive in chunks from that simulator,
// complete or fail it, list and delete them, restore one (after a safety snapshot), delete a
// region that keeps its state (after a final snapshot), make a region from a snapshot, and the
// background work (retention, the premium schedule, saves that never end). Records live in the
// storage's SnapshotLedger, bytes in the snapshot_store plugin. Every change is one command with
// its audited event; what a snapshot's end sets off (a delete, a restore) is carried out in the
// transaction that ends it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/regions/region_service.hpp"
#include "control/simulators/simulator_caller.hpp"
#include "control/snapshots/snapshot_settings.hpp"
#include "vergegrid/plugin_api/snapshot_store.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {

// The audit actors of the background jobs.
inline constexpr const char* kSnapshotRetentionActor = "system:snapshot-retention";
inline constexpr const char* kSnapshotScheduleActor = "system:snapshot-schedule";
inline constexpr const char* kSnapshotWatchActor = "system:snapshot-watch";

struct TakeSnapshot {
    std::string region_id;
    std::optional<nlohmann::json> parts;  // a JSON array of part names; unset: the region's mode
    std::string note;
    std::string reason = "manual";
};

struct SnapshotQuery {
    plugin_api::SnapshotFilter filter;
    std::string before;  // the cursor of the previous page ("" = from the newest)
    int limit = 50;
};

// One chunk of an upload: `Content-Range: bytes first-last/total`, the body, and the SHA-256 the
// whole archive must hash to.
struct UploadChunk {
    std::string snapshot_id;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t total = 0;
    std::string sha256;
    std::string_view data;
};

struct UploadState {
    std::string snapshot_id;
    std::uint64_t received = 0;
    std::string state;
};

// The archive of a complete snapshot, to stream.
struct SnapshotContent {
    std::shared_ptr<plugin_api::SnapshotBlobReader> reader;
    std::uint64_t size = 0;
    std::string sha256;
};

struct ProgressReport {
    std::int64_t operation_id = 0;
    double fraction = 0.0;
    std::int64_t bytes_done = 0;
    std::int64_t bytes_total = 0;
    std::string phase;
};

struct RestoreRegion {
    std::string region_id;
    std::optional<plugin_api::SemVer> expected_version;
    std::string snapshot_id;
};

// What a restore did: the safety snapshot taken first (its completion queues the load), or the
// load queued at once (an ephemeral region).
struct RestoreQueued {
    std::optional<plugin_api::Snapshot> safety;
    std::int64_t restore_operation_id = 0;  // 0 while it waits for the safety snapshot
    plugin_api::SemVer version;             // the region's version now
};

struct DeleteRegionWithState {
    std::string region_id;
    std::optional<plugin_api::SemVer> expected_version;
    bool force = false;  // delete even when the final snapshot cannot be (or was not) saved
};

// deleted: the region is gone now (204); otherwise it goes when `snapshot` completes (202).
struct RegionDeletion {
    bool deleted = false;
    std::optional<plugin_api::Snapshot> snapshot;
};

struct RegionFromSnapshot {
    RegionChanged region;
    std::int64_t restore_operation_id = 0;
};

// What the services a snapshot touches are, and how the snapshot store is reached. All must
// outlive the service.
struct SnapshotDependencies {
    Store store;
    std::shared_ptr<const RegionService> regions;
    OperationSignals* signals = nullptr;
    std::shared_ptr<plugin_api::SnapshotStore> blobs;  // null: no store loaded (503)
    SnapshotSettings settings;
};

class SnapshotService {
  public:
    explicit SnapshotService(SnapshotDependencies dependencies);

    // Operators.
    Committed<plugin_api::Snapshot> take(const Actor& actor, const TakeSnapshot& command) const;
    std::vector<plugin_api::Snapshot> list(const SnapshotQuery& query) const;
    plugin_api::Snapshot get(const std::string& id) const;
    // The record and, when no other record refers to them, the bytes. A snapshot being saved
    // cannot be deleted (409 snapshot_busy).
    Committed<void> remove(const Actor& actor, const std::string& id) const;
    SnapshotContent content(const std::string& id) const;
    Committed<RestoreQueued> restore(const Actor& actor, const RestoreRegion& command) const;
    // The rollback of `version` with the newest complete snapshot taken at that version.
    Committed<RestoreQueued> rollback_with_state(const Actor& actor,
                                                 const RollbackRegion& command) const;
    Committed<RegionDeletion> delete_region(const Actor& actor,
                                            const DeleteRegionWithState& command) const;
    // `body` is a create request with "from_snapshot": the snapshot's configuration overridden by
    // the request's fields, then its state restored.
    Committed<RegionFromSnapshot> create_from_snapshot(const Actor& actor,
                                                       const nlohmann::json& body) const;
    // The progress of operations, by id (none for an operation that reported none).
    std::map<std::int64_t, plugin_api::OperationProgress> progress_of(
        const std::vector<std::int64_t>& operation_ids) const;

    // Simulators (only their own regions' snapshots: anything else is not found).
    UploadState upload_status(const SimulatorCaller& caller, const std::string& id) const;
    UploadState upload(const SimulatorCaller& caller, const UploadChunk& chunk) const;
    SnapshotContent content_for(const SimulatorCaller& caller, const std::string& id) const;
    void report_progress(const SimulatorCaller& caller, const ProgressReport& report) const;
    // The operations' result observer: a failed snapshot operation fails its snapshot.
    void on_operation_result(Changes& changes, const plugin_api::Operation& operation) const;

    // Background jobs; each returns how many snapshots it changed. `now` as now_iso8601().
    int expire(const std::string& now) const;
    int schedule(const std::string& now) const;
    int fail_stalled(const std::string& now) const;

    const SnapshotSettings& settings() const { return deps_.settings; }

  private:
    plugin_api::SnapshotStore& blobs() const;
    std::mutex& upload_lock(const std::string& id) const;
    UploadState finish_upload(const SimulatorCaller& caller, const plugin_api::Snapshot& snapshot,
                              const UploadChunk& chunk) const;
    void fail(const Actor& actor, const std::string& id, const std::string& failure) const;
    int expire_region(const std::string& region_id, const std::string& now) const;

    SnapshotDependencies deps_;
    // Uploads of one snapshot are serialised (the store's rule); different ones run in parallel.
    mutable std::array<std::mutex, 64> upload_locks_;
};

}  // namespace vergegrid::control
