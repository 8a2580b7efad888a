#include "control/migrations/migration_driver.hpp"

#include <algorithm>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/migrations/migration_ledger.hpp"
#include "control/migrations/migration_record.hpp"
#include "control/regions/region_placement.hpp"
#include "control/snapshots/snapshot_ledger.hpp"

namespace vergegrid::control {

using plugin_api::Migration;
using plugin_api::MigrationStep;

namespace {

constexpr int kBatchMovesRead = 100000;
// Ports a move's target may refuse as taken before the move gives up.
constexpr std::size_t kPortRetries = 3;

// The plan must create the target before loading it and end with the switch and the teardown:
// anything else could leave the region nowhere, or on two simulators.
void check_plan(const std::vector<MigrationStep>& plan) {
    const auto at = [&](MigrationStep step) {
        return std::find(plan.begin(), plan.end(), step) - plan.begin();
    };
    const auto n = static_cast<std::ptrdiff_t>(plan.size());
    bool sound = n >= 2 && plan[n - 2] == MigrationStep::switch_over &&
                 plan[n - 1] == MigrationStep::teardown_source &&
                 std::count(plan.begin(), plan.end(), MigrationStep::switch_over) == 1 &&
                 at(MigrationStep::create_target) < n - 2;
    for (auto load :
         {MigrationStep::load_first, MigrationStep::load_final, MigrationStep::load_latest}) {
        sound = sound && (at(load) == n || at(load) > at(MigrationStep::create_target));
    }
    if (!sound) {
        throw DomainError::conflict("migration_refused",
                                    "the migration strategy's plan does not create the target, "
                                    "switch and tear the source down in that order");
    }
}

}  // namespace

std::optional<MigrationStep> step_named(const std::string& name) {
    for (int i = 0; i <= static_cast<int>(MigrationStep::teardown_source); ++i) {
        const auto step = static_cast<MigrationStep>(i);
        if (name == plugin_api::to_string(step)) {
            return step;
        }
    }
    return std::nullopt;
}

MoveDriver::MoveDriver(Changes& changes, const MigrationDependencies& deps)
    : changes_(&changes),
      deps_(&deps),
      snapshots_{deps.store, deps.regions, deps.signals, nullptr, {}},
      notify_(std::make_shared<QueuedNotifications>()) {
    notify_after_commit(changes, *deps.signals, notify_);
}

plugin_api::MigrationLedger& MoveDriver::ledger() const {
    return migration_ledger(changes_->tx());
}

Decision MoveDriver::start(Migration& migration, bool queued, const std::string& target) const {
    auto& tx = changes_->tx();
    if (!deps_->strategy) {
        throw DomainError(Fault::unavailable, "migrations_unavailable",
                          "no migration strategy is loaded (migration.strategy)");
    }
    const auto region = tx.find_region(migration.region_id);
    if (!region) {
        throw DomainError::not_found("no region with id '" + migration.region_id + "'");
    }
    const auto options = json_of(migration.options);
    const bool evacuate = options.value("evacuate", false);
    GridState& state = deps_->placement->grid_cache().lease(*changes_);
    // The source serves on its port until the teardown: a target on the same host (simulators
    // sharing a machine) must get another one.
    state.reserve("", region->host, region->port);
    const Decision decision =
        plan_move(state, *deps_->placement, *region, target, options.value("force", false));
    if (!decision.placed) {
        throw_refusal(decision, !target.empty());
    }
    auto& snapshots = snapshot_ledger(tx);
    const auto policy = snapshots.find_region_state_policy(region->uuid);
    plugin_api::MigrationRequest request;
    request.warm = options.value("warm", false);
    request.when_empty = options.value("when_empty", false);
    request.source_online = !evacuate;
    request.keeps_content = !(policy && policy->lifecycle == "ephemeral");
    nlohmann::json detail = {{"steps", nlohmann::json::array()}};
    if (evacuate) {
        const auto latest = snapshots.list_snapshots({region->uuid, "complete", ""}, "", "", 1);
        request.has_snapshot = !latest.empty();
        const auto source = access_store(tx).find_simulator(migration.source_simulator_id);
        if (latest.empty()) {
            detail["loss_window_s"] = nullptr;
            detail["note"] = "no complete snapshot of the region: it comes back empty";
        } else {
            detail["snapshot_id"] = latest.front().id;
            // What the region did after its newest snapshot, until its simulator went silent.
            detail["loss_window_s"] =
                source && !source->last_heartbeat_at.empty()
                    ? nlohmann::json(std::max(0L, seconds_between(latest.front().created_at,
                                                                  source->last_heartbeat_at)))
                    : nlohmann::json(nullptr);
        }
    }
    std::vector<MigrationStep> plan;
    try {
        plan = deps_->strategy->plan(request);
    } catch (const std::exception& e) {
        throw DomainError::conflict("migration_refused", e.what());
    }
    check_plan(plan);
    auto names = nlohmann::json::array();
    for (auto step : plan) {
        names.push_back(plugin_api::to_string(step));
    }
    const Migration before = migration;
    migration.target_simulator_id = decision.simulator_id;
    migration.target_host = decision.host;
    migration.target_port = decision.port;
    migration.plan = names.dump();
    migration.state = "running";
    migration.step = "";
    migration.detail = detail.dump();
    migration.updated_at = now_iso8601();
    if (queued) {
        ledger().update_migration(migration);
    } else {
        ledger().insert_migration(migration);
    }
    changes_->record(migration_event("start", queued ? &before : nullptr, migration));
    changes_->record({"region.move",
                      "region",
                      region->uuid,
                      nullptr,
                      {{"state", "started"},
                       {"migration_id", migration.id},
                       {"from", migration.source_simulator_id},
                       {"to", migration.target_simulator_id}}});
    if (!queued) {
        advance(migration);  // a refusal of its first step refuses the move
        return decision;
    }
    try {
        advance(migration);
    } catch (const DomainError& e) {
        end(migration, "failed", std::string("could not start: ") + e.what());
    }
    return decision;
}

void MoveDriver::advance(Migration migration) const {
    auto detail = detail_of(migration);
    const auto plan = plan_of(migration);
    std::size_t next = 0;
    if (!migration.step.empty()) {
        next = static_cast<std::size_t>(std::find(plan.begin(), plan.end(), migration.step) -
                                        plan.begin()) +
               1;
    }
    for (; next < plan.size(); ++next) {
        const auto step = step_named(plan[next]);
        if (!step) {
            throw DomainError::conflict("migration_refused", "unknown step " + plan[next]);
        }
        migration.step = plan[next];
        const auto now = now_iso8601();
        if (*step == MigrationStep::switch_over) {
            open_step(detail, migration.step, 0, now);
            switch_over(migration, detail);
            close_step(detail, "succeeded", nullptr, now_iso8601());
            continue;
        }
        migration.operation_id = queue_step(migration, *step, detail);
        open_step(detail, migration.step, migration.operation_id, now);
        save(migration, detail, "step");
        return;
    }
    migration.detail = detail.dump();
    end(migration, "succeeded", "");
}

void MoveDriver::on_result(Migration migration, const plugin_api::Operation& operation) const {
    auto detail = detail_of(migration);
    const auto step = step_named(migration.step);
    const auto report = result_detail(operation.result);
    const auto now = now_iso8601();
    if (!step) {
        return;
    }
    if (operation.state == "failed") {
        close_step(detail, "failed", report, now);
        if (*step == MigrationStep::create_target && retarget_port(migration, operation, detail)) {
            return;
        }
        const auto why = result_error(operation.result, "the simulator reported a failure");
        if (*step == MigrationStep::teardown_source) {
            // After the switch the region is the target's: the move stands; the source's copy
            // is the operator's to clear (docs/migration.md).
            detail["teardown_error"] = why;
            migration.detail = detail.dump();
            end(migration, "succeeded", "");
            return;
        }
        migration.detail = detail.dump();
        end(migration, "failed",
            migration.step + " failed on simulator " + operation.simulator_id + ": " + why);
        return;
    }
    if (auto refused = accept_result(migration, *step, operation, detail)) {
        close_step(detail, "failed", report, now);
        migration.detail = detail.dump();
        end(migration, "failed", migration.step + ": " + *refused);
        return;
    }
    close_step(detail, "succeeded", report, now);
    migration.detail = detail.dump();
    migration.operation_id = 0;
    try {
        advance(migration);
    } catch (const DomainError& e) {
        end(migration, "failed",
            std::string("the step after ") + migration.step + " could not start: " + e.what());
    }
}

bool MoveDriver::retarget_port(Migration& migration, const plugin_api::Operation& operation,
                               nlohmann::json& detail) const {
    // The target's bridge found the port taken by something placement cannot see (a process
    // outside the grid, or one that bound it after the pick): another port on the same target.
    if (json_of(operation.result).value("reason", "") != "port_in_use") {
        return false;
    }
    auto& refused = detail["ports_refused"];
    if (!refused.is_array()) {
        refused = nlohmann::json::array();
    }
    refused.push_back(migration.target_port);
    if (refused.size() > kPortRetries) {
        return false;
    }
    // Holds this move's current target port too.
    GridState& state = deps_->placement->grid_cache().lease(*changes_);
    for (const auto& port : refused) {
        state.reserve("", migration.target_host, port.get<int>());
    }
    const auto ports = deps_->placement->ports();
    const int port = state.free_port(migration.target_host, ports.low, ports.high);
    if (port <= 0) {
        return false;
    }
    migration.target_port = port;
    migration.operation_id = queue_step(migration, MigrationStep::create_target, detail);
    open_step(detail, migration.step, migration.operation_id, now_iso8601());
    save(migration, detail, "step");
    return true;
}

void MoveDriver::end(Migration migration, const std::string& state,
                     const std::string& error) const {
    auto& tx = changes_->tx();
    auto detail = detail_of(migration);
    const auto before = ledger().find_migration(migration.id);
    if (state != "succeeded" && !switched(migration) && detail.value("target_created", false)) {
        // The target got the region: it goes, behind whatever the target was still doing.
        const auto region = tx.find_region(migration.region_id);
        detail["rollback_operation_id"] = queue_eager_operation(
            tx, migration.target_simulator_id, migration.region_id,
            region ? region->version : plugin_api::SemVer{}, "delete", "", *notify_);
    }
    close_step(detail, state == "cancelled" ? "cancelled" : "failed", nullptr, now_iso8601());
    migration.state = state;
    migration.step = "";
    migration.operation_id = 0;
    migration.error = error;
    migration.detail = detail.dump();
    migration.updated_at = now_iso8601();
    ledger().update_migration(migration);
    const char* verb = state == "succeeded" ? "succeed" : state == "failed" ? "fail" : "cancel";
    changes_->record(migration_event(verb, before ? &*before : nullptr, migration));
    if (!migration.batch_id.empty()) {
        fill_batch(migration.batch_id);
    }
}

void MoveDriver::fill_batch(const std::string& batch_id) const {
    if (filling_) {
        return;  // the loop below sees the end of a move it started
    }
    filling_ = true;
    struct Reset {
        bool* flag;
        ~Reset() { *flag = false; }
    } reset{&filling_};
    auto batch = ledger().find_migration_batch(batch_id);
    if (!batch) {
        return;
    }
    for (;;) {
        const auto moves =
            ledger().list_migrations({"", batch_id, "", ""}, "", "", kBatchMovesRead);
        int running = 0;
        std::optional<Migration> queued;
        // Newest first: the last queued one seen is the oldest.
        for (const auto& move : moves) {
            if (move.state == "running" || move.state == "rolling_back") {
                ++running;
            } else if (move.state == "queued") {
                queued = move;
            }
        }
        if (batch->state == "running" && queued && running < batch->max_parallel) {
            Migration next = *queued;
            try {
                start(next, true, next.target_simulator_id);
            } catch (const DomainError& e) {
                end(*queued, "failed", std::string("could not start: ") + e.what());
            }
            continue;
        }
        if (batch->state == "running" && running == 0 && !queued) {
            batch->state = "finished";
            batch->updated_at = now_iso8601();
            ledger().update_migration_batch(*batch);
            changes_->record(batch_event("finish", *batch));
        }
        return;
    }
}

void MoveDriver::save(Migration& migration, const nlohmann::json& detail,
                      const std::string& verb) const {
    const auto before = ledger().find_migration(migration.id);
    migration.detail = detail.dump();
    migration.updated_at = now_iso8601();
    ledger().update_migration(migration);
    changes_->record(migration_event(verb, before ? &*before : nullptr, migration));
}

}  // namespace vergegrid::control
