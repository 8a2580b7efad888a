#include "control/snapshots/snapshot_service.hpp"

#include <functional>

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/expected_version.hpp"
#include "control/common/extensions.hpp"
#include "control/common/newest_first_cursor.hpp"
#include "control/regions/region_moving.hpp"
#include "control/snapshots/snapshot_json.hpp"
#include "control/snapshots/snapshot_ledger.hpp"
#include "control/snapshots/snapshot_steps.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

using plugin_api::Region;
using plugin_api::Snapshot;
using plugin_api::StorageTransaction;

namespace {

Snapshot existing_snapshot(plugin_api::SnapshotLedger& ledger, const std::string& id) {
    auto snapshot = ledger.find_snapshot(id);
    if (!snapshot) {
        throw DomainError::not_found("no snapshot with id '" + id + "'");
    }
    return *snapshot;
}

bool in_flight(const Snapshot& snapshot) {
    return snapshot.state == "pending" || snapshot.state == "saving";
}

// The create request a snapshot's configuration makes, with the request's fields over it: the
// server-assigned fields go, and so do host and port, which follow the simulator placement
// chooses now (the old one may be gone). Nested objects merge field by field.
nlohmann::json create_request(const Snapshot& snapshot, const nlohmann::json& body) {
    auto spec = strict_json::parse(snapshot.region_spec);
    for (const char* key : {"id", "version", "template_version", "host", "port"}) {
        spec.erase(key);
    }
    if (spec.contains("placement") && spec["placement"].is_object()) {
        spec["placement"].erase("simulator_id");
    }
    for (const auto& [key, value] : body.items()) {
        if (key == "from_snapshot") {
            continue;
        }
        if (value.is_object() && spec.contains(key) && spec[key].is_object()) {
            spec[key].update(value);
        } else {
            spec[key] = value;
        }
    }
    return spec;
}

}  // namespace

SnapshotService::SnapshotService(SnapshotDependencies dependencies)
    : deps_(std::move(dependencies)) {}

plugin_api::SnapshotStore& SnapshotService::blobs() const {
    if (!deps_.blobs) {
        throw DomainError(Fault::unavailable, "snapshots_unavailable",
                          "no snapshot store is loaded (snapshots.store)");
    }
    return *deps_.blobs;
}

Committed<Snapshot> SnapshotService::take(const Actor& actor, const TakeSnapshot& command) const {
    blobs();
    return deps_.store.command(actor, [&](Changes& changes) {
        const SnapshotSteps steps(changes, deps_);
        const Region region = existing_region(changes.tx(), command.region_id);
        refuse_while_moving(changes.tx(), region.uuid);
        return steps.begin(region, steps.parts_for(region, command.parts), command.reason,
                           command.note, nullptr);
    });
}

std::vector<Snapshot> SnapshotService::list(const SnapshotQuery& query) const {
    const auto [created_at, id] = split_newest_first_cursor(query.before, "after");
    return deps_.store.read([&](StorageTransaction& tx) {
        return snapshot_ledger(tx).list_snapshots(query.filter, created_at, id, query.limit);
    });
}

Snapshot SnapshotService::get(const std::string& id) const {
    return deps_.store.read(
        [&](StorageTransaction& tx) { return existing_snapshot(snapshot_ledger(tx), id); });
}

Committed<void> SnapshotService::remove(const Actor& actor, const std::string& id) const {
    auto& store = blobs();
    auto gone = std::make_shared<std::string>();
    auto committed = deps_.store.command(actor, [&](Changes& changes) {
        auto& ledger = snapshot_ledger(changes.tx());
        const Snapshot snapshot = existing_snapshot(ledger, id);
        if (in_flight(snapshot)) {
            throw DomainError::conflict("snapshot_busy", "the snapshot is still being saved");
        }
        ledger.delete_snapshot(id);
        if (!snapshot.sha256.empty() && ledger.count_snapshots_with_sha256(snapshot.sha256) == 0) {
            *gone = snapshot.sha256;
        }
        changes.record({"snapshot.delete", "snapshot", id, snapshot_to_json(snapshot), nullptr});
    });
    // After the commit: bytes removed for a delete that rolled back would be lost for good.
    if (!gone->empty()) {
        store.remove(*gone);
    }
    return committed;
}

SnapshotContent SnapshotService::content(const std::string& id) const {
    auto& store = blobs();
    const Snapshot snapshot = get(id);
    if (snapshot.state != "complete") {
        throw DomainError::conflict("snapshot_not_complete", "the snapshot holds no archive yet");
    }
    if (!store.contains(snapshot.sha256)) {
        throw DomainError(Fault::unprocessable, "snapshot_blob_missing",
                          "the snapshot store no longer holds this archive");
    }
    std::shared_ptr<plugin_api::SnapshotBlobReader> reader = store.open(snapshot.sha256);
    return {reader, reader->size(), snapshot.sha256};
}

Committed<RestoreQueued> SnapshotService::restore(const Actor& actor,
                                                  const RestoreRegion& command) const {
    auto& store = blobs();
    return deps_.store.command(actor, [&](Changes& changes) {
        const SnapshotSteps steps(changes, deps_);
        const Region region = existing_region(changes.tx(), command.region_id);
        refuse_while_moving(changes.tx(), region.uuid);
        check_expected_version(command.expected_version, region.version);
        auto target = steps.ledger().find_snapshot(command.snapshot_id);
        if (!target) {
            throw DomainError(Fault::unprocessable, "unknown_reference",
                              "no snapshot with id '" + command.snapshot_id + "'", "snapshot_id");
        }
        if (target->state != "complete" || !store.contains(target->sha256)) {
            throw DomainError::conflict("snapshot_not_complete",
                                        "the snapshot holds no archive to restore", "snapshot_id");
        }
        RestoreQueued queued;
        if (steps.lifecycle_of(region.uuid) == "ephemeral") {
            queued.restore_operation_id = steps.queue_restore(region, *target);
            queued.version = existing_region(changes.tx(), region.uuid).version;
            return queued;
        }
        // The state now is kept first; the load waits for it (carried out when it completes).
        const nlohmann::json followup = {{"action", "restore"}, {"snapshot_id", target->id}};
        queued.safety = steps.begin(region, steps.parts_for(region, std::nullopt), "before-restore",
                                    "before restoring " + target->id, followup);
        queued.version = region.version;
        return queued;
    });
}

Committed<RestoreQueued> SnapshotService::rollback_with_state(const Actor& actor,
                                                              const RollbackRegion& command) const {
    const auto snapshot_id = deps_.store.read([&](StorageTransaction& tx) {
        auto& ledger = snapshot_ledger(tx);
        const plugin_api::SnapshotFilter filter{command.id, "complete", ""};
        std::string created_at;
        std::string id;
        for (;;) {
            const auto page = ledger.list_snapshots(filter, created_at, id, 200);
            for (const auto& snapshot : page) {
                if (snapshot.region_version == command.version) {
                    return snapshot.id;
                }
            }
            if (page.size() < 200) {
                break;
            }
            created_at = page.back().created_at;
            id = page.back().id;
        }
        throw DomainError::conflict(
            "no_snapshot_at_version",
            "no complete snapshot was taken at version " + command.version.to_string(),
            "with_state");
    });
    return restore(actor, {command.id, command.expected_version, snapshot_id});
}

Committed<RegionDeletion> SnapshotService::delete_region(
    const Actor& actor, const DeleteRegionWithState& command) const {
    return deps_.store.command(actor, [&](Changes& changes) {
        auto& tx = changes.tx();
        const Region region = existing_region(tx, command.region_id);
        refuse_while_moving(tx, region.uuid);
        check_expected_version(command.expected_version, region.version);
        RegionDeletion deletion;
        // A storage without snapshots, an ephemeral region, or one that never reached a
        // simulator: nothing to keep.
        const bool keeps = find_snapshot_ledger(tx) != nullptr &&
                           !region.placement.simulator_id.empty() &&
                           SnapshotSteps(changes, deps_).lifecycle_of(region.uuid) != "ephemeral";
        if (!keeps) {
            deps_.regions->remove_within(changes, {region.uuid, std::nullopt});
            deletion.deleted = true;
            return deletion;
        }
        const SnapshotSteps steps(changes, deps_);
        // Asked again while its final snapshot is being saved: the same answer, no second save.
        for (const auto& snapshot :
             steps.ledger().list_snapshots({region.uuid, "", "before-delete"}, "", "", 20)) {
            if (in_flight(snapshot) && !snapshot.followup.empty()) {
                deletion.snapshot = snapshot;
                return deletion;
            }
        }
        const auto simulator = access_store(tx).find_simulator(region.placement.simulator_id);
        const bool reachable = simulator && simulator->state != "offline" &&
                               simulator->state != "revoked" && deps_.blobs != nullptr;
        if (!reachable) {
            if (!command.force) {
                throw DomainError::conflict(
                    "state_unsaveable",
                    "the region's state cannot be saved now (its simulator is offline or no "
                    "snapshot store is loaded); ?force=true deletes it without a final snapshot");
            }
            deletion.snapshot = steps.record_absent(region, "before-delete",
                                                    "deleted with force: nothing could save it");
            deps_.regions->remove_within(changes, {region.uuid, std::nullopt});
            deletion.deleted = true;
            return deletion;
        }
        const nlohmann::json followup = {{"action", "delete_region"}, {"force", command.force}};
        deletion.snapshot = steps.begin(region, steps.parts_for(region, std::nullopt),
                                        "before-delete", "", followup);
        return deletion;
    });
}

Committed<RegionFromSnapshot> SnapshotService::create_from_snapshot(
    const Actor& actor, const nlohmann::json& body) const {
    auto& store = blobs();
    const auto id = body.value("from_snapshot", nlohmann::json(nullptr));
    if (!id.is_string()) {
        throw DomainError::invalid_field("from_snapshot", "must be a snapshot id");
    }
    return deps_.store.command(actor, [&](Changes& changes) {
        const SnapshotSteps steps(changes, deps_);
        auto snapshot = steps.ledger().find_snapshot(id.get<std::string>());
        if (!snapshot) {
            throw DomainError(Fault::unprocessable, "unknown_reference",
                              "no snapshot with id '" + id.get<std::string>() + "'",
                              "from_snapshot");
        }
        if (snapshot->state != "complete" || !store.contains(snapshot->sha256)) {
            throw DomainError::conflict("snapshot_not_complete",
                                        "the snapshot holds no archive to restore",
                                        "from_snapshot");
        }
        RegionFromSnapshot made;
        made.region =
            deps_.regions->create_within(changes, {create_request(*snapshot, body), false});
        made.restore_operation_id = steps.queue_restore(made.region.region, *snapshot);
        return made;
    });
}

std::map<std::int64_t, plugin_api::OperationProgress> SnapshotService::progress_of(
    const std::vector<std::int64_t>& operation_ids) const {
    return deps_.store.read([&](StorageTransaction& tx) {
        std::map<std::int64_t, plugin_api::OperationProgress> found;
        auto* ledger = find_snapshot_ledger(tx);
        for (const auto id : operation_ids) {
            if (ledger == nullptr) {
                break;
            }
            if (auto progress = ledger->find_operation_progress(id)) {
                found.emplace(id, *progress);
            }
        }
        return found;
    });
}

void SnapshotService::report_progress(const SimulatorCaller& caller,
                                      const ProgressReport& report) const {
    if (!(report.fraction >= 0.0 && report.fraction <= 1.0)) {
        throw DomainError::invalid_field("fraction", "must be a number between 0 and 1");
    }
    if (report.bytes_done < 0 || report.bytes_total < 0) {
        throw DomainError::invalid_field(report.bytes_done < 0 ? "bytes_done" : "bytes_total",
                                         "must not be negative");
    }
    static const std::vector<std::string> phases = {"saving", "uploading", "downloading",
                                                    "loading"};
    if (std::find(phases.begin(), phases.end(), report.phase) == phases.end()) {
        throw DomainError::invalid_field("phase",
                                         "must be one of saving, uploading, downloading, loading");
    }
    // Progress is the channel's bookkeeping, like delivery: no audit row.
    deps_.store.write([&](StorageTransaction& tx) {
        auto& ledger = snapshot_ledger(tx);
        const auto operation = operation_store(tx).find_operation(report.operation_id);
        if (!operation || operation->simulator_id != caller.simulator_id) {
            throw DomainError::not_found("no operation '" + std::to_string(report.operation_id) +
                                         "' for this simulator");
        }
        ledger.put_operation_progress({report.operation_id, report.fraction, report.bytes_done,
                                       report.bytes_total, report.phase, now_iso8601()});
    });
}

void SnapshotService::on_operation_result(Changes& changes,
                                          const plugin_api::Operation& operation) const {
    if (operation.kind != "snapshot") {
        return;
    }
    auto* ledger = find_snapshot_ledger(changes.tx());
    if (ledger == nullptr) {
        return;
    }
    auto snapshot = ledger->find_snapshot_by_operation(operation.id);
    if (!snapshot || !in_flight(*snapshot)) {
        return;  // completed by its last chunk, or ended already
    }
    std::string failure;
    if (operation.state == "failed") {
        failure = "the simulator could not save the region";
        try {
            const auto result = strict_json::parse(operation.result);
            if (result.is_object() && result.contains("error") && result["error"].is_string()) {
                failure = result["error"].get<std::string>();
            }
        } catch (const std::exception&) {
        }
    } else {
        failure = "the simulator reported success before the archive was uploaded whole";
    }
    SnapshotSteps(changes, deps_).fail(*snapshot, failure);
}

}  // namespace vergegrid::control
