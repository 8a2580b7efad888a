// What each step of a move queues, and what its success means (docs/migration.md).
#include <algorithm>

#include "control/common/clock.hpp"
#include "control/migrations/migration_driver.hpp"
#include "control/migrations/migration_record.hpp"
#include "control/regions/operation_spec.hpp"
#include "control/snapshots/snapshot_ledger.hpp"
#include "control/snapshots/snapshot_steps.hpp"

namespace vergegrid::control {

using plugin_api::Migration;
using plugin_api::MigrationStep;

namespace {

// A warm move's first snapshot carried them; the final one leaves them out so that it is short.
const std::vector<std::string> kAssetParts = {"mesh", "texture_refs", "inventory_refs"};

std::string warning_for(const std::string& region_name) {
    return "Region " + region_name +
           " is moving to another simulator; you may be disconnected for a moment.";
}

}  // namespace

std::int64_t MoveDriver::queue_step(Migration& migration, MigrationStep step,
                                    nlohmann::json& detail) const {
    auto& tx = changes_->tx();
    const auto region = tx.find_region(migration.region_id);
    if (!region) {
        throw DomainError::not_found("the region is gone");
    }
    switch (step) {
        case MigrationStep::check_agents: {
            const auto options = options_from_json(json_of(migration.options));
            const nlohmann::json spec = {
                {"region_id", region->uuid},
                {"region_name", region->name},
                {"when_empty", options.when_empty},
                {"deadline_s", options.deadline_s},
                {"message", options.message.empty() ? warning_for(region->name) : options.message}};
            return queue_eager_operation(tx, migration.source_simulator_id, region->uuid,
                                         region->version, "agents", spec.dump(), *notify_);
        }
        case MigrationStep::snapshot_first:
        case MigrationStep::snapshot_final: {
            const SnapshotSteps steps(*changes_, snapshots_);
            auto parts = steps.parts_for(*region, std::nullopt);
            if (step == MigrationStep::snapshot_final &&
                plan_has(migration, MigrationStep::snapshot_first)) {
                std::erase_if(parts, [](const std::string& part) {
                    return std::find(kAssetParts.begin(), kAssetParts.end(), part) !=
                           kAssetParts.end();
                });
            }
            if (step == MigrationStep::snapshot_final) {
                // The source stops taking changes that reach the target from here on.
                detail["downtime_started_at"] = now_iso8601();
            }
            return steps.begin(*region, parts, "before-move", "move " + migration.id, nullptr)
                .operation_id;
        }
        case MigrationStep::create_target: {
            plugin_api::Region target = *region;
            target.placement.simulator_id = migration.target_simulator_id;
            target.host = migration.target_host;
            target.port = migration.target_port;
            detail["target_created"] = true;
            return queue_eager_operation(tx, migration.target_simulator_id, region->uuid,
                                         region->version, "create",
                                         operation_spec(tx, target, false).dump(), *notify_);
        }
        case MigrationStep::load_first:
        case MigrationStep::load_final:
        case MigrationStep::load_latest: {
            const auto snapshot =
                snapshot_ledger(tx).find_snapshot(detail.value("snapshot_id", std::string()));
            if (!snapshot || snapshot->state != "complete") {
                throw DomainError::conflict("snapshot_not_complete",
                                            "the snapshot to load holds no archive");
            }
            const nlohmann::json spec = {{"snapshot_id", snapshot->id},
                                         {"region_id", region->uuid},
                                         {"region_name", region->name},
                                         {"sha256", snapshot->sha256},
                                         {"size_bytes", snapshot->size_bytes}};
            return queue_eager_operation(tx, migration.target_simulator_id, region->uuid,
                                         region->version, "restore", spec.dump(), *notify_);
        }
        case MigrationStep::teardown_source:
            // Queued even when the source is offline: it must never serve the region again.
            return queue_eager_operation(tx, migration.source_simulator_id, region->uuid,
                                         region->version, "delete", "", *notify_);
        case MigrationStep::switch_over:
            break;
    }
    return 0;
}

std::optional<std::string> MoveDriver::accept_result(Migration& migration, MigrationStep step,
                                                     const plugin_api::Operation& operation,
                                                     nlohmann::json& detail) const {
    (void)migration;
    if (step == MigrationStep::check_agents) {
        detail["agents"] = result_detail(operation.result);
        return std::nullopt;
    }
    if (step != MigrationStep::snapshot_first && step != MigrationStep::snapshot_final) {
        return std::nullopt;
    }
    const auto snapshot = snapshot_ledger(changes_->tx()).find_snapshot_by_operation(operation.id);
    if (!snapshot) {
        return std::string("the snapshot record is gone");
    }
    if (snapshot->state != "complete") {
        return "the snapshot is " + snapshot->state +
               (snapshot->failure.empty() ? "" : ": " + snapshot->failure);
    }
    nlohmann::json taken = {{"id", snapshot->id},
                            {"size_bytes", snapshot->size_bytes},
                            {"ms", ms_between(snapshot->created_at, snapshot->updated_at)}};
    // The bridge reports save_ms beside size_bytes (docs/bridge.md); older ones inside detail.
    for (const auto& report : {json_of(operation.result), result_detail(operation.result)}) {
        if (report.contains("save_ms") && !taken.contains("save_ms")) {
            taken["save_ms"] = report["save_ms"];
        }
    }
    detail[step == MigrationStep::snapshot_first ? "first_snapshot" : "final_snapshot"] = taken;
    detail["snapshot_id"] = snapshot->id;
    return std::nullopt;
}

void MoveDriver::switch_over(Migration& migration, nlohmann::json& detail) const {
    deps_->regions->switch_within(*changes_, {migration.region_id, migration.target_simulator_id,
                                              migration.target_host, migration.target_port});
    const auto now = now_iso8601();
    detail["switched_at"] = now;
    if (detail.contains("downtime_started_at")) {
        detail["downtime_ms"] = ms_between(detail["downtime_started_at"].get<std::string>(), now);
    }
}

}  // namespace vergegrid::control
