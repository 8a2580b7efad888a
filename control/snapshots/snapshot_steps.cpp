#include "control/snapshots/snapshot_steps.hpp"
#include "control/regions/placement_state.hpp"

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/regions/region_json.hpp"
#include "control/regions/region_state_store.hpp"
#include "control/snapshots/snapshot_json.hpp"
#include "control/snapshots/snapshot_ledger.hpp"
#include "control/snapshots/snapshot_parts.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

using plugin_api::Region;
using plugin_api::Snapshot;

namespace {

DomainEvent snapshot_event(const std::string& verb, const Snapshot* before, const Snapshot* after) {
    const auto& id = after != nullptr ? after->id : before->id;
    return {"snapshot." + verb, "snapshot", id,
            before != nullptr ? snapshot_to_json(*before) : nlohmann::json(nullptr),
            after != nullptr ? snapshot_to_json(*after) : nlohmann::json(nullptr)};
}

Snapshot new_record(const Changes& changes, const Region& region, const std::string& lifecycle,
                    const std::string& reason) {
    Snapshot snapshot;
    snapshot.id = new_uuid();
    snapshot.region_id = region.uuid;
    snapshot.region_name = region.name;
    snapshot.region_version = region.version;
    // The whole region as it is versioned (its state policy too): what a new region takes.
    snapshot.region_spec = region_to_json(with_state_policy(changes.tx(), region)).dump();
    snapshot.lifecycle = lifecycle;
    snapshot.simulator_id = region.placement.simulator_id;
    snapshot.state = "pending";
    snapshot.reason = reason;
    snapshot.actor = changes.actor().subject;
    snapshot.created_at = snapshot.updated_at = creation_time_iso8601();
    return snapshot;
}

nlohmann::json followup_of(const Snapshot& snapshot) {
    if (snapshot.followup.empty()) {
        return nullptr;
    }
    try {
        return strict_json::parse(snapshot.followup);
    } catch (const std::exception&) {
        return nullptr;  // written by this program; a damaged one sets nothing off
    }
}

}  // namespace

SnapshotSteps::SnapshotSteps(Changes& changes, const SnapshotDependencies& deps)
    : changes_(&changes), deps_(&deps), notify_(std::make_shared<QueuedNotifications>()) {
    notify_after_commit(changes, *deps.signals, notify_);
}

plugin_api::SnapshotLedger& SnapshotSteps::ledger() const {
    return snapshot_ledger(changes_->tx());
}

std::string SnapshotSteps::lifecycle_of(const std::string& region_id) const {
    const auto policy = ledger().find_region_state_policy(region_id);
    return policy ? policy->lifecycle : "persistent";
}

std::vector<std::string> SnapshotSteps::parts_for(
    const Region& region, const std::optional<nlohmann::json>& requested) const {
    if (requested) {
        return requested_parts(*requested, "parts");
    }
    const auto policy = ledger().find_region_state_policy(region.uuid);
    return parts_for_mode(region.region_state_mode, policy.value_or(plugin_api::RegionStatePolicy{
                                                        region.uuid, "persistent", ""}));
}

Snapshot SnapshotSteps::begin(const Region& region, const std::vector<std::string>& parts,
                              const std::string& reason, const std::string& note,
                              const nlohmann::json& followup) const {
    refuse_pending(changes_->tx(), region.uuid, "a snapshot");
    if (region.placement.simulator_id.empty()) {
        throw DomainError::conflict("not_placed", "the region is on no simulator to save it",
                                    "placement.simulator_id");
    }
    Snapshot snapshot = new_record(*changes_, region, lifecycle_of(region.uuid), reason);
    snapshot.parts = nlohmann::json(parts).dump();
    snapshot.note = note;
    snapshot.followup = followup.is_null() ? "" : followup.dump();
    const nlohmann::json spec = {{"snapshot_id", snapshot.id},
                                 {"region_id", region.uuid},
                                 {"region_name", region.name},
                                 {"parts", parts}};
    snapshot.operation_id =
        queue_eager_operation(changes_->tx(), region.placement.simulator_id, region.uuid,
                              region.version, "snapshot", spec.dump(), *notify_);
    ledger().insert_snapshot(snapshot);
    changes_->record(snapshot_event("create", nullptr, &snapshot));
    return snapshot;
}

Snapshot SnapshotSteps::record_absent(const Region& region, const std::string& reason,
                                      const std::string& failure) const {
    Snapshot snapshot = new_record(*changes_, region, lifecycle_of(region.uuid), reason);
    snapshot.parts = "[]";
    ledger().insert_snapshot(snapshot);
    changes_->record(snapshot_event("create", nullptr, &snapshot));
    Snapshot failed = snapshot;
    failed.state = "failed";
    failed.failure = failure;
    ledger().update_snapshot(failed);
    changes_->record(snapshot_event("fail", &snapshot, &failed));
    return failed;
}

void SnapshotSteps::complete(Snapshot snapshot, std::int64_t size,
                             const std::string& sha256) const {
    const Snapshot before = snapshot;
    snapshot.state = "complete";
    snapshot.size_bytes = size;
    snapshot.sha256 = sha256;
    snapshot.updated_at = now_iso8601();
    snapshot.followup = "";
    ledger().update_snapshot(snapshot);
    changes_->record(snapshot_event("complete", &before, &snapshot));
    carry_out(before, true);
}

void SnapshotSteps::fail(Snapshot snapshot, const std::string& failure) const {
    const Snapshot before = snapshot;
    snapshot.state = "failed";
    snapshot.failure = failure;
    snapshot.updated_at = now_iso8601();
    snapshot.followup = "";
    ledger().update_snapshot(snapshot);
    changes_->record(snapshot_event("fail", &before, &snapshot));
    if (deps_->blobs) {
        changes_->after_commit([blobs = deps_->blobs, id = snapshot.id] {
            try {
                blobs->discard_staged(id);
            } catch (const std::exception&) {
                // Staging the store could not clear is found again by the next failure's
                // discard; nothing refers to it.
            }
        });
    }
    carry_out(before, false);
}

// What waited for the snapshot's end: {"action":"delete_region","force":bool} or
// {"action":"restore","snapshot_id":...} (a restore waiting for its safety snapshot).
void SnapshotSteps::carry_out(const Snapshot& snapshot, bool completed) const {
    const auto followup = followup_of(snapshot);
    if (!followup.is_object()) {
        return;
    }
    const auto action = followup.value("action", "");
    auto& tx = changes_->tx();
    const auto region = tx.find_region(snapshot.region_id);
    if (!region) {
        return;  // deleted meanwhile: nothing left to act on
    }
    if (action == "delete_region" && (completed || followup.value("force", false))) {
        deps_->regions->remove_within(*changes_, {region->uuid, std::nullopt});
    } else if (action == "restore" && completed) {
        const auto target = ledger().find_snapshot(followup.value("snapshot_id", ""));
        if (target && target->state == "complete") {
            queue_restore(*region, *target);
        }
    }
}

std::int64_t SnapshotSteps::queue_restore(const Region& region, const Snapshot& snapshot) const {
    Region current = region;
    if (snapshot.region_id == region.uuid && snapshot.region_version != region.version) {
        current =
            deps_->regions
                ->rollback_within(*changes_, {region.uuid, std::nullopt, snapshot.region_version})
                .region;
    }
    refuse_pending(changes_->tx(), current.uuid, "a restore");
    if (current.placement.simulator_id.empty()) {
        throw DomainError::conflict("not_placed", "the region is on no simulator to load it",
                                    "placement.simulator_id");
    }
    const nlohmann::json spec = {{"snapshot_id", snapshot.id},
                                 {"region_id", current.uuid},
                                 {"region_name", current.name},
                                 {"sha256", snapshot.sha256},
                                 {"size_bytes", snapshot.size_bytes}};
    const auto operation_id =
        queue_eager_operation(changes_->tx(), current.placement.simulator_id, current.uuid,
                              current.version, "restore", spec.dump(), *notify_);
    changes_->record({"region.restore",
                      "region",
                      current.uuid,
                      nullptr,
                      {{"snapshot_id", snapshot.id},
                       {"operation_id", operation_id},
                       {"version", current.version.to_string()}}});
    return operation_id;
}

}  // namespace vergegrid::control
