// Turns a region change into the operation its simulator must apply, inside the transaction of
// the change (no change without its operation, no operation without its change). A region
// reaches a simulator through its pin, placement.simulator_id.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/regions/region_change.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace vergegrid::control {

// Simulators to notify once the transaction has committed.
struct QueuedNotifications {
    std::vector<std::pair<std::string, std::string>> simulators;  // id, push URL
    std::vector<std::pair<std::string, long>> due;  // id, seconds until a new lazy one falls due
};

// `before` is null for a create, `after` null for a delete. `kind` overrides the kind derived
// from the change ("restart"). A change of the state policy alone (lifecycle, state_parts)
// queues nothing. Lazy changes merge into the region's pending lazy operation; an eager change
// absorbs it. The spec carries the region, its estate and `apply_restart` (control/regions/
// operation_spec.hpp): set by `apply_restart` (the change asked for its on-restart fields to be
// applied now; such a change is eager) and by every restart.
void queue_region_operation(plugin_api::StorageTransaction& tx,
                            const plugin_api::SyncScheduler& sync, const plugin_api::Region* before,
                            const plugin_api::Region* after, const RegionChange& change,
                            const std::string& kind, QueuedNotifications& notify,
                            bool apply_restart = false);

// An eager operation with a spec of its own (snapshot, restore: docs/snapshots.md) for the region
// on `simulator_id`, behind the region's earlier operations; returns its id.
std::int64_t queue_eager_operation(plugin_api::StorageTransaction& tx,
                                   const std::string& simulator_id, const std::string& region_uuid,
                                   const plugin_api::SemVer& version, const std::string& kind,
                                   const std::string& spec, QueuedNotifications& notify);

// Wakes the simulators in `notify` (pulls, doorbells) once `changes` has committed; never for a
// change that rolled back.
void notify_after_commit(Changes& changes, OperationSignals& signals,
                         std::shared_ptr<const QueuedNotifications> notify);

}  // namespace vergegrid::control
