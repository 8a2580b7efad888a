// ABI 1.5 extension of StorageTransaction: what the control plane knows about a region's runtime
// state (docs/snapshots.md). The snapshot records (the bytes live in a snapshot_store plugin,
// snapshot_store.hpp), each region's state policy (lifecycle and optional state parts) and the
// progress of long operations. A transaction of an older storage plugin does not implement it
// (dynamic_cast gives null): the control plane then runs without snapshots and says so.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::plugin_api {

// IN/OUT. Frozen. Since 1.5. One archive of one region at one moment. Immutable once complete
// except for `followup` (cleared when done).
struct Snapshot {
    std::string id;            // UUID
    std::string region_id;     // the region's UUID; the snapshot outlives the region
    std::string region_name;   // at the time of the snapshot
    SemVer region_version;     // the configuration version the region had
    std::string region_spec;   // the region as JSON at that version (to restore into a new region)
    std::string lifecycle;     // the region's lifecycle then: ephemeral, persistent, premium
    std::string simulator_id;  // the simulator that saves it
    std::string parts;         // JSON array text of the parts saved, e.g. ["terrain","parcels"]
    std::string state;         // pending, saving, complete, failed
    std::int64_t size_bytes = 0;  // of the archive, once complete
    std::string sha256;           // lower-case hex of the archive, once complete; its address
    std::string reason;           // manual, scheduled, before-delete, before-move, before-restore
    std::string note;
    std::string failure;            // why it failed; "" otherwise
    std::string actor;              // who asked ("system:snapshot-schedule" for the scheduler)
    std::int64_t operation_id = 0;  // the snapshot operation that saves it; 0 until queued
    // JSON text of what the control plane does when the snapshot ends (delete the region, restore
    // another snapshot, ...), carried out in the transaction that ends it; "" = nothing.
    std::string followup;
    std::string created_at;
    std::string updated_at;
};

// IN (may grow at the end). Since 1.5. Empty fields do not filter.
struct SnapshotFilter {
    std::string region_id;
    std::string state;
    std::string reason;
};

// IN/OUT. Frozen. Since 1.5. A region's runtime-state policy, a supplement of the region
// (versioned with it by the control plane; deleted with the region).
struct RegionStatePolicy {
    std::string region_id;
    std::string lifecycle = "persistent";  // ephemeral, persistent, premium
    // JSON object text of the optional parts switched on in hybrid mode:
    // {"prims":bool,"mesh":bool,"script_state":bool,"object_metadata":bool,"texture_refs":bool,
    //  "inventory_refs":bool}
    std::string state_parts;
};

// IN/OUT. Frozen. Since 1.5. How far a long operation (snapshot, restore) has come.
struct OperationProgress {
    std::int64_t operation_id = 0;
    double fraction = 0.0;  // 0..1
    std::int64_t bytes_done = 0;
    std::int64_t bytes_total = 0;  // 0 = not known yet
    std::string phase;             // e.g. saving, uploading, downloading, loading
    std::string updated_at;
};

// Since 1.5 (every method below). Implemented by the transaction object; the host finds it with
// dynamic_cast and never deletes it through this interface. Records in and out as for
// StorageTransaction.
class BOOST_SYMBOL_VISIBLE SnapshotLedger {
  public:
    virtual ~SnapshotLedger() = default;

    virtual void insert_snapshot(const Snapshot& snapshot) = 0;
    virtual void update_snapshot(const Snapshot& snapshot) = 0;
    virtual std::optional<Snapshot> find_snapshot(const std::string& id) = 0;
    virtual std::optional<Snapshot> find_snapshot_by_operation(std::int64_t operation_id) = 0;
    // Newest first (created_at, then id, both descending). The keyset cursor is the last row of
    // the previous page: rows strictly older than (before_created_at, before_id); "" = from the
    // newest.
    virtual std::vector<Snapshot> list_snapshots(const SnapshotFilter& filter,
                                                 const std::string& before_created_at,
                                                 const std::string& before_id, int limit) = 0;
    virtual void delete_snapshot(const std::string& id) = 0;
    // How many snapshot rows (any state) refer to the archive: the bytes go when none does.
    virtual int count_snapshots_with_sha256(const std::string& sha256) = 0;
    // Every region id that has at least one snapshot, ascending, after `after_region_id`.
    virtual std::vector<std::string> list_snapshot_region_ids(const std::string& after_region_id,
                                                              int limit) = 0;

    virtual std::optional<RegionStatePolicy> find_region_state_policy(
        const std::string& region_id) = 0;
    // Inserts or replaces.
    virtual void put_region_state_policy(const RegionStatePolicy& policy) = 0;
    virtual void delete_region_state_policy(const std::string& region_id) = 0;
    // Policies with that lifecycle, by region id, after `after_region_id`.
    virtual std::vector<RegionStatePolicy> list_region_state_policies(
        const std::string& lifecycle, const std::string& after_region_id, int limit) = 0;

    // Inserts or replaces.
    virtual void put_operation_progress(const OperationProgress& progress) = 0;
    virtual std::optional<OperationProgress> find_operation_progress(std::int64_t operation_id) = 0;
};

}  // namespace vergegrid::plugin_api
