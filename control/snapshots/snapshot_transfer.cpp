// The simulator's side of snapshots: staged uploads in chunks, resumable, checked against their
// SHA-256 when the last chunk arrives; downloads of complete archives for a restore. A simulator
// reaches only the snapshots of regions it saves or holds: anything else is not found.
#include <functional>

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/extensions.hpp"
#include "control/regions/region_moving.hpp"
#include "control/snapshots/snapshot_ledger.hpp"
#include "control/snapshots/snapshot_service.hpp"
#include "control/snapshots/snapshot_steps.hpp"

namespace vergegrid::control {

using plugin_api::Snapshot;
using plugin_api::StorageTransaction;

namespace {

bool in_flight(const Snapshot& snapshot) {
    return snapshot.state == "pending" || snapshot.state == "saving";
}

// A restore delivered to the caller loads this snapshot (into another region than its own: a
// region made from a snapshot).
bool restores_it(StorageTransaction& tx, const SimulatorCaller& caller, const std::string& id) {
    plugin_api::OperationFilter filter;
    filter.simulator_id = caller.simulator_id;
    filter.state = "delivered";
    for (const auto& operation : operation_store(tx).list_operations(filter, 0, 100)) {
        if (operation.kind == "restore" &&
            operation.spec.find("\"snapshot_id\":\"" + id + "\"") != std::string::npos) {
            return true;
        }
    }
    return false;
}

// The snapshot when the caller saves it or holds its region now; not found otherwise (another
// simulator's snapshots are as invisible as missing ones).
Snapshot callers_snapshot(StorageTransaction& tx, const SimulatorCaller& caller,
                          const std::string& id) {
    auto snapshot = snapshot_ledger(tx).find_snapshot(id);
    bool allowed = snapshot && snapshot->simulator_id == caller.simulator_id;
    if (snapshot && !allowed) {
        const auto region = tx.find_region(snapshot->region_id);
        allowed = region && region->placement.simulator_id == caller.simulator_id;
    }
    if (snapshot && !allowed) {
        allowed = restores_it(tx, caller, id);
    }
    if (!allowed) {
        throw DomainError::not_found("no snapshot '" + id + "' for this simulator");
    }
    return *snapshot;
}

bool is_sha256(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::mutex& SnapshotService::upload_lock(const std::string& id) const {
    return upload_locks_[std::hash<std::string>{}(id) % upload_locks_.size()];
}

UploadState SnapshotService::upload_status(const SimulatorCaller& caller,
                                           const std::string& id) const {
    auto& store = blobs();
    const Snapshot snapshot =
        deps_.store.read([&](StorageTransaction& tx) { return callers_snapshot(tx, caller, id); });
    const std::lock_guard lock(upload_lock(id));
    const std::uint64_t received = snapshot.state == "complete"
                                       ? static_cast<std::uint64_t>(snapshot.size_bytes)
                                       : store.staged_size(id);
    return {id, received, snapshot.state};
}

UploadState SnapshotService::upload(const SimulatorCaller& caller, const UploadChunk& chunk) const {
    auto& store = blobs();
    if (chunk.last < chunk.first || chunk.last >= chunk.total ||
        chunk.data.size() != chunk.last - chunk.first + 1) {
        throw DomainError::invalid_field("Content-Range",
                                         "must be bytes FIRST-LAST/TOTAL matching the body");
    }
    if (chunk.data.size() > deps_.settings.max_chunk_bytes) {
        throw DomainError(Fault::invalid_input, "chunk_too_large",
                          "a chunk holds at most snapshots.max_chunk_bytes bytes", "Content-Range");
    }
    if (!is_sha256(chunk.sha256)) {
        throw DomainError::invalid_field("X-Content-SHA256",
                                         "must be the archive's SHA-256 in lower-case hex");
    }
    const std::lock_guard lock(upload_lock(chunk.snapshot_id));
    // Checked, marked saving and touched (the save is alive) in one bookkeeping write.
    const Snapshot snapshot = deps_.store.write([&](StorageTransaction& tx) {
        Snapshot found = callers_snapshot(tx, caller, chunk.snapshot_id);
        if (!in_flight(found)) {
            throw DomainError::conflict("snapshot_not_saving",
                                        "the snapshot is " + found.state + ": it takes no bytes");
        }
        found.state = "saving";
        found.updated_at = now_iso8601();
        snapshot_ledger(tx).update_snapshot(found);
        return found;
    });
    try {
        store.append_staged(chunk.snapshot_id, chunk.first, chunk.data.data(), chunk.data.size());
    } catch (const plugin_api::SnapshotOffsetError& e) {
        throw DomainError::conflict("upload_offset_mismatch",
                                    "the chunk does not start where the staged bytes end (" +
                                        std::to_string(e.staged()) +
                                        " received); ask GET .../upload and resume",
                                    "Content-Range");
    }
    if (chunk.last + 1 < chunk.total) {
        return {chunk.snapshot_id, chunk.last + 1, "saving"};
    }
    return finish_upload(caller, snapshot, chunk);
}

// The last chunk: the store checks the hash and keeps the blob; the snapshot completes (and its
// follow-up is carried out) in one transaction, under the name of whoever asked for it.
UploadState SnapshotService::finish_upload(const SimulatorCaller& caller, const Snapshot& snapshot,
                                           const UploadChunk& chunk) const {
    const Actor actor{snapshot.actor, caller.request_id};
    try {
        blobs().commit_staged(chunk.snapshot_id, chunk.sha256);
    } catch (const plugin_api::SnapshotIntegrityError&) {
        fail(actor, chunk.snapshot_id, "the archive does not match its SHA-256");
        throw DomainError(Fault::unprocessable, "sha256_mismatch",
                          "the archive does not hash to X-Content-SHA256; it was discarded and "
                          "the snapshot failed",
                          "X-Content-SHA256");
    }
    deps_.store.command(actor, [&](Changes& changes) {
        const SnapshotSteps steps(changes, deps_);
        auto current = steps.ledger().find_snapshot(chunk.snapshot_id);
        if (!current || !in_flight(*current)) {
            throw DomainError::conflict("snapshot_not_saving",
                                        "the snapshot ended while its last chunk arrived");
        }
        steps.complete(*current, static_cast<std::int64_t>(chunk.total), chunk.sha256);
    });
    return {chunk.snapshot_id, chunk.total, "complete"};
}

void SnapshotService::fail(const Actor& actor, const std::string& id,
                           const std::string& failure) const {
    deps_.store.command(actor, [&](Changes& changes) {
        const SnapshotSteps steps(changes, deps_);
        auto current = steps.ledger().find_snapshot(id);
        if (current && in_flight(*current)) {
            steps.fail(*current, failure);
        }
    });
}

SnapshotContent SnapshotService::content_for(const SimulatorCaller& caller,
                                             const std::string& id) const {
    deps_.store.read([&](StorageTransaction& tx) {
        // The target of a move of the snapshot's region loads it before the region is its own
        // (docs/migration.md); only for content: a target never uploads the source's snapshots.
        const auto snapshot = snapshot_ledger(tx).find_snapshot(id);
        const auto move = snapshot ? active_migration_of(tx, snapshot->region_id) : std::nullopt;
        if (!move || move->state != "running" || move->target_simulator_id != caller.simulator_id) {
            callers_snapshot(tx, caller, id);
        }
    });
    return content(id);
}

}  // namespace vergegrid::control
