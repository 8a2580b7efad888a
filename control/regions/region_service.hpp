// Regions: create (placed by control/placement), change, delete, restart, roll back, upgrade to
// the template's current version, move to another simulator; and the queries over them.
// Every change is one command: the region row and supplements, its state policy (lifecycle,
// state_parts), its history row, its event
// (region.create, region.update, ...) and the operation for its simulator commit together; the
// simulator's doorbell rings after the commit.
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
#include "control/regions/new_region.hpp"
#include "control/regions/region_record.hpp"
#include "kernel/services/active_slot.hpp"
#include "region_ini/region_ini.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace vergegrid::control {

// What a region change needs to reach its simulator. Both must outlive the service.
struct RegionChannel {
    kernel::services::ActiveSlot<plugin_api::SyncScheduler>* sync;
    OperationSignals* signals;
};

// A region as a create request describes it; the fields are validated against stored state
// (the template it names, the estate), so they are read inside the command.
struct CreateRegion {
    nlohmann::json spec;
    // False: a create no simulator can take is refused (409) even without "require_placement"
    // (a region made from a snapshot needs a simulator to load its state into).
    bool may_be_pending = true;
};

struct UpdateRegion {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
    // The writable fields to change, as the client sent them (nested objects merge field by
    // field; placement.force keeps a pin the policy refuses).
    nlohmann::json changes;
};

struct DeleteRegion {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
};

struct RollbackRegion {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
    plugin_api::SemVer version;  // the history version whose spec becomes the new version
};

struct UpgradeRegionTemplate {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
};

struct MoveRegion {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
    std::string simulator_id;  // empty: wherever the policy puts it away from its simulator
    bool force = false;        // keep the target even when the policy refuses it
};

// The switch of a move (docs/migration.md): the region's simulator, host and port become the
// target's, which already runs it.
struct SwitchRegion {
    std::string id;
    std::string simulator_id;
    std::string host;
    int port = 0;
};

// The region after a change, what changed and which part of the version it bumped.
struct RegionChanged {
    RegionRecord region;
    std::string change;                // "create", or the bump: none, patch, minor, major
    nlohmann::json fields;             // [{"field", "from", "to", "bump"}]
    std::optional<Decision> decision;  // create and move: where placement put it and why
    // The region's document (region_to_json's text) as stored with the new version; empty when
    // no version was written. The answer reuses it rather than building the region again.
    std::string document;
};

// What upgrading a region to a template version would change, written nowhere (a rollout's dry
// run): the bump, the fields (each with how it reaches a running region: live, on-restart,
// unsupported), how the operation would be delivered (eager, lazy, or none: nothing changes or
// the region is on no simulator) and whether a field waits for a restart.
struct UpgradePreview {
    RegionRecord region;         // as it is
    plugin_api::SemVer version;  // after the upgrade
    std::string bump;
    nlohmann::json fields;  // [{"field", "from", "to", "bump", "application"}]
    std::string delivery;
    bool restart_needed = false;
};

// The Regions/<name>.ini section of a region, at the region's version.
struct RegionStub {
    region_ini::RegionIniSpec spec;
    plugin_api::SemVer version;
};

class RegionService {
  public:
    RegionService(Store store, RegionChannel channel, std::shared_ptr<PlacementService> placement)
        : store_(std::move(store)), channel_(channel), placement_(std::move(placement)) {}

    // `placement_state` "pending" or "placed" keeps those only; "" lists every region.
    std::vector<RegionRecord> list(const plugin_api::RegionFilter& filter, const std::string& after,
                                   int limit, const std::string& placement_state = "") const;
    RegionRecord get(const std::string& id) const;
    // Oldest first; not_found when the region never existed.
    std::vector<plugin_api::RegionHistoryEntry> history(const std::string& id) const;
    RegionStub stub(const std::string& id) const;

    Committed<RegionChanged> create(const Actor& actor, const CreateRegion& command) const;
    Committed<RegionChanged> update(const Actor& actor, const UpdateRegion& command) const;
    Committed<void> remove(const Actor& actor, const DeleteRegion& command) const;
    // An eager restart operation for the region's simulator; no new version (the spec did not
    // change). Returns the region's version.
    Committed<plugin_api::SemVer> restart(const Actor& actor, const std::string& id) const;
    // History is never rewritten: the old spec becomes a new version.
    Committed<RegionChanged> rollback(const Actor& actor, const RollbackRegion& command) const;
    Committed<RegionChanged> upgrade_template(const Actor& actor,
                                              const UpgradeRegionTemplate& command) const;
    // A pending region (docs/api.md, "Pending regions") onto the simulator the active policy
    // chooses now: a new version ("placed" in history, event region.placed) and the create
    // operation for that simulator, as a create queues it. Nothing when it is no longer pending or
    // still no simulator can take it (its reasons are then brought up to date).
    Committed<std::optional<RegionChanged>> place_pending(const Actor& actor,
                                                          const std::string& id) const;
    // Re-placement: host and port follow the simulator.
    Committed<RegionChanged> move(const Actor& actor, const MoveRegion& command) const;

    // The same changes as steps of another area's command, inside its transaction (snapshots: a
    // delete waiting for its final snapshot, a restore's rollback, a region made from a
    // snapshot): the same rules, rows, history, events and operations; the doorbells ring once
    // that command has committed.
    RegionChanged create_within(Changes& changes, const CreateRegion& command) const;
    void remove_within(Changes& changes, const DeleteRegion& command) const;
    RegionChanged rollback_within(Changes& changes, const RollbackRegion& command) const;
    // `template_version`: the template version to apply (a rollout's); none = the latest.
    UpgradePreview preview_template_upgrade(
        plugin_api::StorageTransaction& tx, const UpgradeRegionTemplate& command,
        const std::optional<plugin_api::SemVer>& template_version) const;
    // A rollout's step (control/rollouts): the region to the given template version.
    RegionChanged upgrade_template_within(
        Changes& changes, const UpgradeRegionTemplate& command,
        const std::optional<plugin_api::SemVer>& template_version = std::nullopt) const;
    // A "move" version (history, event) WITHOUT an operation: the target already runs the region
    // and the move tears the source down itself.
    RegionChanged switch_within(Changes& changes, const SwitchRegion& command) const;

  private:
    template <typename Work>
    auto deliver(const Actor& actor, Work&& work) const;
    template <typename Work>
    auto within(Changes& changes, Work&& work) const;
    // Places a new region on the grid cache, confirming the decision against storage (a stale
    // cache is reloaded and the region placed again). `stored`: the id of a stored region being
    // placed (a pending one), which the grid already holds.
    Decision place_created(Changes& changes, NewRegion& fresh,
                           const std::string& stored = {}) const;

    Store store_;
    RegionChannel channel_;
    std::shared_ptr<PlacementService> placement_;
};

}  // namespace vergegrid::control
