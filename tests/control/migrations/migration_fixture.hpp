// A MigrationService over real storage (SQLite, its SnapshotLedger and MigrationLedger), the
// hybrid sync plugin, the basic-rules placement policy, the real filesystem snapshot store and
// the built-in `oar` migration strategy,
// with regions on kSimulator and room on kOtherSimulator. The test plays the bridges: it pulls a
// simulator's operations and records their results through the real OperationService, with the
// snapshot and migration observers registered as the composition registers them.
#pragma once

#include <string>
#include <vector>

#include "control/migrations/migration_json.hpp"
#include "control/migrations/migration_ledger.hpp"
#include "control/migrations/migration_service.hpp"
#include "tests/control/snapshots/snapshot_fixture.hpp"

namespace vergegrid::control {

class MigrationFixture : public SnapshotFixture {
  protected:
    MigrationFixture() {
        placement = std::make_shared<PlacementService>(
            policy_slot, "basic-rules", std::vector<std::string>{}, nullptr, PortRange{9000, 9999});
    }

    MigrationService migrations() {
        return MigrationService(MigrationDependencies{store(), regions_ptr, placement, &signals,
                                                      strategy, "oar", step_timeout_s});
    }

    // `simulator_id` pulls its operations and reports `operation_id`'s result.
    void report_on(const std::string& simulator_id, std::int64_t operation_id,
                   const std::string& state, nlohmann::json result = nlohmann::json::object()) {
        OperationService operations(store(), signals, pending_keys);
        operations.on_result([this](Changes& changes, const plugin_api::Operation& operation) {
            service().on_operation_result(changes, operation);
        });
        operations.on_result([this](Changes& changes, const plugin_api::Operation& operation) {
            migrations().on_operation_result(changes, operation);
        });
        std::get<PullAnswer>(operations.pull(simulator(simulator_id), 0));
        operations.record_result(simulator(simulator_id), {operation_id, state, std::move(result)});
    }

    plugin_api::Migration migration(const std::string& id) { return migrations().get(id); }

    // The operation the move waits for now.
    plugin_api::Operation waiting(const std::string& migration_id) {
        const auto move = migration(migration_id);
        EXPECT_NE(move.operation_id, 0)
            << "the move waits for no operation (" << move.state << ", step '" << move.step
            << "', error " << move.error << ")";
        return operation(move.operation_id);
    }

    // The current step succeeds as a bridge would report it (a snapshot step: the archive
    // uploaded first).
    plugin_api::Operation succeed_step(const std::string& migration_id,
                                       const std::string& archive_bytes = archive(1500)) {
        const auto op = waiting(migration_id);
        if (op.kind == "snapshot") {
            const auto snapshot = store().read([&](plugin_api::StorageTransaction& tx) {
                return *snapshot_ledger(tx).find_snapshot_by_operation(op.id);
            });
            upload_all(snapshot.id, archive_bytes);
            report_on(op.simulator_id, op.id, "succeeded",
                      {{"size_bytes", archive_bytes.size()}, {"save_ms", 12}, {"path", "oar"}});
        } else if (op.kind == "agents") {
            report_on(op.simulator_id, op.id, "succeeded",
                      {{"detail", {{"agents", 0}, {"warned", false}, {"waited_ms", 0}}}});
        } else {
            report_on(op.simulator_id, op.id, "succeeded");
        }
        return op;
    }

    // Every step succeeds until the move has ended.
    void run_to_end(const std::string& migration_id) {
        for (int guard = 0; guard < 20 && migration(migration_id).state == "running"; ++guard) {
            succeed_step(migration_id);
        }
    }

    std::vector<plugin_api::Operation> ops_of_kind(const std::string& simulator_id,
                                                   const std::string& kind) {
        std::vector<plugin_api::Operation> found;
        for (const auto& op : operations(simulator_id)) {
            if (op.kind == kind) {
                found.push_back(op);
            }
        }
        return found;
    }

    plugin_api::Region region_now(const std::string& id) {
        return store().read(
            [&](plugin_api::StorageTransaction& tx) { return *tx.find_region(id); });
    }

    StartMove move_of(const plugin_api::Region& region, MoveOptions options = {}) {
        return StartMove{region.uuid, std::nullopt, std::move(options)};
    }

    std::shared_ptr<PlacementService> placement;
    // The built-in strategy, as the control plane loads it.
    test::BuiltinPlugin oar_plugin{"vg-migration-oar.so", "migration", "oar"};
    std::shared_ptr<plugin_api::MigrationStrategy> strategy =
        oar_plugin.make<plugin_api::MigrationStrategy>();
    int step_timeout_s = 1800;
};

}  // namespace vergegrid::control
