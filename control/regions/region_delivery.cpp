#include "control/regions/region_delivery.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/regions/operation_spec.hpp"

namespace vergegrid::control {

namespace {

using plugin_api::Operation;
using plugin_api::Region;

std::string derived_kind(const Region* before, const Region* after, const RegionChange& change) {
    if (before == nullptr) {
        return "create";
    }
    if (after == nullptr) {
        return "delete";
    }
    for (const auto& field : change.fields) {
        if (field.field == "flags.enabled") {
            return after->flags.enabled ? "enable" : "disable";
        }
    }
    return "update";
}

void queue_on(plugin_api::StorageTransaction& tx, const plugin_api::SyncScheduler& sync,
              const std::string& simulator_id, const std::string& region_uuid,
              const Region* spec_of, const plugin_api::SemVer& version, const std::string& kind,
              const RegionChange& change, bool apply_restart, QueuedNotifications& notify) {
    auto& operations = operation_store(tx);
    auto& access = access_store(tx);
    plugin_api::RegionChangeSummary summary{kind, {}};
    for (const auto& field : change.fields) {
        summary.fields.push_back(field.field);
    }
    // A change that asks for a restart wants it now, not at the end of a lazy window.
    const bool lazy = !apply_restart && sync.classify(summary) == plugin_api::SyncClass::lazy;
    const std::string now = now_iso8601();
    if (auto pending = operations.find_pending_lazy_operation(region_uuid, simulator_id)) {
        // Ten lazy edits inside a window become one operation with the latest spec; an eager
        // change takes the pending lazy one with it (a pending operation that asks for a
        // restart is eager, so never merged into).
        pending->spec =
            spec_of == nullptr ? "" : operation_spec(tx, *spec_of, apply_restart).dump();
        pending->region_version = version;
        pending->updated_at = now;
        if (!lazy) {
            pending->kind = kind;
            pending->op_class = "eager";
            pending->due_at = "";
        }
        operations.update_operation(*pending);
    } else {
        Operation operation;
        operation.simulator_id = simulator_id;
        operation.region_uuid = region_uuid;
        operation.kind = kind;
        operation.op_class = lazy ? "lazy" : "eager";
        operation.region_version = version;
        operation.spec =
            spec_of == nullptr ? "" : operation_spec(tx, *spec_of, apply_restart).dump();
        operation.state = "pending";
        operation.created_at = operation.updated_at = now;
        operation.due_at = lazy ? iso8601_plus_seconds(now, sync.lazy_window_s()) : "";
        operations.insert_operation(operation);
        if (lazy) {
            notify.due.emplace_back(simulator_id, sync.lazy_window_s());
        }
    }
    if (!lazy) {
        const auto simulator = access.find_simulator(simulator_id);
        notify.simulators.emplace_back(simulator_id, simulator ? simulator->push_url : "");
    }
}

// The state policy (lifecycle, state_parts.*) concerns the control plane alone: the simulator
// neither sees it nor needs an operation for it.
bool simulator_field(const FieldChange& field) {
    return field.field != "lifecycle" && field.field.rfind("state_parts.", 0) != 0;
}

}  // namespace

void queue_region_operation(plugin_api::StorageTransaction& tx,
                            const plugin_api::SyncScheduler& sync, const Region* before,
                            const Region* after, const RegionChange& unfiltered,
                            const std::string& kind, QueuedNotifications& notify,
                            bool apply_restart) {
    RegionChange change;
    change.bump = unfiltered.bump;
    std::copy_if(unfiltered.fields.begin(), unfiltered.fields.end(),
                 std::back_inserter(change.fields), simulator_field);
    if (!unfiltered.fields.empty() && change.fields.empty() && kind.empty() && !apply_restart) {
        return;  // only the state policy changed (a move would have changed placement.*)
    }
    const std::string old_sim = before == nullptr ? "" : before->placement.simulator_id;
    const std::string new_sim = after == nullptr ? "" : after->placement.simulator_id;
    const std::string op_kind = kind.empty() ? derived_kind(before, after, change) : kind;
    if (!old_sim.empty() && old_sim != new_sim) {
        // Moved off a simulator (or deleted): it tears the region down.
        queue_on(tx, sync, old_sim, before->uuid, nullptr, after ? after->version : before->version,
                 "delete", {}, false, notify);
    }
    if (!new_sim.empty()) {
        const bool arrives = old_sim != new_sim;
        // A restart applies every on-restart field: that is what restarting the region means.
        const bool restart = !arrives && (apply_restart || op_kind == "restart");
        queue_on(tx, sync, new_sim, after->uuid, after, after->version,
                 arrives ? "create" : op_kind, arrives ? RegionChange{} : change, restart, notify);
    }
}

std::int64_t queue_eager_operation(plugin_api::StorageTransaction& tx,
                                   const std::string& simulator_id, const std::string& region_uuid,
                                   const plugin_api::SemVer& version, const std::string& kind,
                                   const std::string& spec, QueuedNotifications& notify) {
    Operation operation;
    operation.simulator_id = simulator_id;
    operation.region_uuid = region_uuid;
    operation.kind = kind;
    operation.op_class = "eager";
    operation.region_version = version;
    operation.spec = spec;
    operation.state = "pending";
    operation.created_at = operation.updated_at = now_iso8601();
    const auto id = operation_store(tx).insert_operation(operation);
    const auto simulator = access_store(tx).find_simulator(simulator_id);
    notify.simulators.emplace_back(simulator_id, simulator ? simulator->push_url : "");
    return id;
}

void notify_after_commit(Changes& changes, OperationSignals& signals,
                         std::shared_ptr<const QueuedNotifications> notify) {
    changes.after_commit([notify = std::move(notify), signals = &signals] {
        for (const auto& [simulator, push_url] : notify->simulators) {
            signals->notify(simulator, push_url);
        }
        for (const auto& [simulator, seconds] : notify->due) {
            signals->notify_at(simulator,
                               std::chrono::steady_clock::now() + std::chrono::seconds(seconds));
        }
    });
}

}  // namespace vergegrid::control
