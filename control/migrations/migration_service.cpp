#include "control/migrations/migration_service.hpp"
#include "control/regions/placement_state.hpp"

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/expected_version.hpp"
#include "control/common/extensions.hpp"
#include "control/common/newest_first_cursor.hpp"
#include "control/migrations/migration_driver.hpp"
#include "control/migrations/migration_ledger.hpp"
#include "control/migrations/migration_record.hpp"
#include "control/migrations/rebalance_plan.hpp"
#include "control/regions/region_moving.hpp"
#include "control/regions/region_placement.hpp"
#include "control/simulators/simulator_service.hpp"

namespace vergegrid::control {

using plugin_api::Migration;
using plugin_api::MigrationBatch;
using plugin_api::StorageTransaction;

namespace {

constexpr int kRegionPage = 500;

void check_options(const MoveOptions& options) {
    if (options.deadline_s < 1 || options.deadline_s > 3600) {
        throw DomainError::invalid_field("deadline_s", "must be between 1 and 3600");
    }
}

void check_parallel(int max_parallel) {
    if (max_parallel < 1 || max_parallel > 16) {
        throw DomainError::invalid_field("max_parallel", "must be between 1 and 16");
    }
}

Migration new_migration(const Changes& changes, const plugin_api::Region& region,
                        const std::string& strategy, const nlohmann::json& options) {
    Migration migration;
    migration.id = new_uuid();
    migration.region_id = region.uuid;
    migration.region_name = region.name;
    migration.source_simulator_id = region.placement.simulator_id;
    migration.strategy = strategy;
    migration.options = options.dump();
    migration.state = "queued";
    migration.plan = "[]";
    migration.detail = R"({"steps":[]})";
    migration.actor = changes.actor().subject;
    migration.created_at = migration.updated_at = creation_time_iso8601();
    return migration;
}

Migration existing_migration(plugin_api::MigrationLedger& ledger, const std::string& id) {
    auto migration = ledger.find_migration(id);
    if (!migration) {
        throw DomainError::not_found("no migration with id '" + id + "'");
    }
    return *migration;
}

BatchView view_of(plugin_api::MigrationLedger& ledger, const MigrationBatch& batch) {
    BatchView view{batch, ledger.list_migrations({"", batch.id, "", ""}, "", "", 100000)};
    std::reverse(view.migrations.begin(), view.migrations.end());  // oldest first
    for (const auto& move : view.migrations) {
        ++view.total;
        if (move.state == "succeeded") {
            ++view.done;
        } else if (move.state == "failed") {
            ++view.failed;
        } else if (move.state == "cancelled") {
            ++view.cancelled;
        } else {
            ++view.left;
            if (move.state != "queued") {
                ++view.running;
            }
        }
    }
    return view;
}

// Every region on the simulator, by name.
std::vector<plugin_api::Region> regions_on(StorageTransaction& tx, const std::string& simulator) {
    std::vector<plugin_api::Region> found;
    std::string after;
    for (;;) {
        const auto page = tx.list_regions({}, after, kRegionPage);
        for (const auto& region : page) {
            if (region.placement.simulator_id == simulator) {
                found.push_back(region);
            }
        }
        if (page.size() < static_cast<std::size_t>(kRegionPage)) {
            return found;
        }
        after = page.back().name;
    }
}

}  // namespace

MigrationService::MigrationService(MigrationDependencies dependencies)
    : deps_(std::move(dependencies)) {}

Committed<MigrationView> MigrationService::move(const Actor& actor,
                                                const StartMove& command) const {
    check_options(command.options);
    return deps_.store.command(actor, [&](Changes& changes) {
        const MoveDriver driver(changes, deps_);
        auto& tx = changes.tx();
        driver.ledger();  // 503 before anything else when the storage keeps no moves
        const auto region = existing_region(tx, command.region_id);
        check_expected_version(command.expected_version, region.version);
        refuse_while_moving(tx, region.uuid);
        refuse_pending(tx, region.uuid, "a move");
        if (region.placement.simulator_id.empty()) {
            throw DomainError::conflict("not_placed", "the region is on no simulator",
                                        "placement.simulator_id");
        }
        Migration migration = new_migration(changes, region, deps_.strategy_name,
                                            options_to_json(command.options, false));
        const Decision decision = driver.start(migration, false, command.options.simulator_id);
        return MigrationView{*driver.ledger().find_migration(migration.id), decision};
    });
}

namespace {

// A batch of queued moves, one per region on the simulator; the first max_parallel start.
// A queued move's target: "" = wherever placement puts it when it starts.
struct QueuedMove {
    plugin_api::Region region;
    std::string target;
};

BatchView queue_batch(Changes& changes, const MoveDriver& driver, const std::string& kind,
                      const std::string& simulator_id, int max_parallel,
                      const nlohmann::json& options, const std::string& strategy,
                      const std::vector<QueuedMove>& moves) {
    MigrationBatch batch;
    batch.id = new_uuid();
    batch.kind = kind;
    batch.simulator_id = simulator_id;
    batch.state = "running";
    batch.max_parallel = max_parallel;
    batch.options = options.dump();
    batch.actor = changes.actor().subject;
    batch.created_at = batch.updated_at = creation_time_iso8601();
    driver.ledger().insert_migration_batch(batch);
    changes.record(batch_event("start", batch));
    for (const auto& [region, target] : moves) {
        if (active_migration_of(changes.tx(), region.uuid)) {
            continue;  // already on its way
        }
        Migration migration = new_migration(changes, region, strategy, options);
        migration.batch_id = batch.id;
        // Not a reservation yet (only a running move holds one): the target it starts with.
        migration.target_simulator_id = target;
        driver.ledger().insert_migration(migration);
        changes.record(migration_event("queue", nullptr, migration));
    }
    driver.fill_batch(batch.id);
    return view_of(driver.ledger(), *driver.ledger().find_migration_batch(batch.id));
}

std::vector<QueuedMove> moves_off(StorageTransaction& tx, const std::string& simulator_id) {
    std::vector<QueuedMove> moves;
    for (auto& region : regions_on(tx, simulator_id)) {
        moves.push_back({std::move(region), ""});
    }
    return moves;
}

}  // namespace

Committed<BatchView> MigrationService::drain(const Actor& actor,
                                             const DrainSimulator& command) const {
    check_parallel(command.max_parallel);
    check_options(command.options);
    if (!command.options.simulator_id.empty()) {
        throw DomainError::invalid_field("simulator_id",
                                         "a drain sends each region where placement puts it");
    }
    return deps_.store.command(actor, [&](Changes& changes) {
        const MoveDriver driver(changes, deps_);
        driver.ledger();
        drain_simulator(changes, command.simulator_id);
        return queue_batch(changes, driver, "drain", command.simulator_id, command.max_parallel,
                           options_to_json(command.options, false), deps_.strategy_name,
                           moves_off(changes.tx(), command.simulator_id));
    });
}

Committed<BatchView> MigrationService::evacuate(const Actor& actor,
                                                const EvacuateSimulator& command) const {
    check_parallel(command.max_parallel);
    return deps_.store.command(actor, [&](Changes& changes) {
        const MoveDriver driver(changes, deps_);
        driver.ledger();
        const auto simulator = access_store(changes.tx()).find_simulator(command.simulator_id);
        if (!simulator) {
            throw DomainError::not_found("no simulator with id '" + command.simulator_id + "'");
        }
        if (simulator->state != "offline") {
            throw DomainError::conflict("simulator_not_offline",
                                        "only an offline simulator is evacuated (it is " +
                                            simulator->state + "); drain an online one",
                                        "id");
        }
        return queue_batch(changes, driver, "evacuate", command.simulator_id, command.max_parallel,
                           options_to_json(MoveOptions{}, true), deps_.strategy_name,
                           moves_off(changes.tx(), command.simulator_id));
    });
}

Committed<RebalanceResult> MigrationService::rebalance(const Actor& actor,
                                                       const Rebalance& command) const {
    if (command.max_moves < 1 || command.max_moves > 1000) {
        throw DomainError::invalid_field("max_moves", "must be between 1 and 1000");
    }
    check_parallel(command.max_parallel);
    check_options(command.options);
    if (!command.options.simulator_id.empty()) {
        throw DomainError::invalid_field("simulator_id",
                                         "a rebalance sends each region where its plan puts it");
    }
    const auto plan = [&](StorageTransaction& tx, GridState& state) {
        return plan_rebalance(
            state, *deps_.placement,
            [&](const std::string& uuid) { return existing_region(tx, uuid); },
            [&](const std::string& uuid) { return region_is_moving(tx, uuid); }, command.max_moves);
    };
    if (command.dry_run) {
        // A dry run reads the whole grid in a read transaction: the cache is for writers.
        return {RebalanceResult{deps_.store.read([&](StorageTransaction& tx) {
                                    GridState state = load_grid_state(tx);
                                    return plan(tx, state);
                                }),
                                std::nullopt},
                {}};
    }
    return deps_.store.command(actor, [&](Changes& changes) {
        const MoveDriver driver(changes, deps_);
        driver.ledger();
        RebalanceResult result{plan(changes.tx(), deps_.placement->grid_cache().lease(changes)),
                               std::nullopt};
        if (result.moves.empty()) {
            return result;
        }
        std::vector<QueuedMove> moves;
        for (const auto& move : result.moves) {
            moves.push_back({existing_region(changes.tx(), move.region_id), move.to_simulator_id});
        }
        result.batch =
            queue_batch(changes, driver, "rebalance", "", command.max_parallel,
                        options_to_json(command.options, false), deps_.strategy_name, moves);
        return result;
    });
}

Committed<Migration> MigrationService::cancel(const Actor& actor, const std::string& id) const {
    return deps_.store.command(actor, [&](Changes& changes) {
        const MoveDriver driver(changes, deps_);
        Migration migration = existing_migration(driver.ledger(), id);
        if (migration.state != "queued" && migration.state != "running") {
            throw DomainError::conflict("migration_ended",
                                        "the migration has ended (" + migration.state + ")", "id");
        }
        if (switched(migration)) {
            throw DomainError::conflict("already_switched",
                                        "the region is on its target already; only its source's "
                                        "teardown is left",
                                        "id");
        }
        driver.end(migration, "cancelled", "cancelled by " + changes.actor().subject);
        return *driver.ledger().find_migration(id);
    });
}

Committed<BatchView> MigrationService::cancel_batch(const Actor& actor,
                                                    const std::string& id) const {
    return deps_.store.command(actor, [&](Changes& changes) {
        const MoveDriver driver(changes, deps_);
        auto batch = driver.ledger().find_migration_batch(id);
        if (!batch) {
            throw DomainError::not_found("no migration batch with id '" + id + "'");
        }
        if (batch->state != "running") {
            throw DomainError::conflict("batch_ended", "the batch has ended (" + batch->state + ")",
                                        "id");
        }
        batch->state = "cancelled";
        batch->updated_at = now_iso8601();
        driver.ledger().update_migration_batch(*batch);
        changes.record(batch_event("cancel", *batch));
        for (const auto& move :
             driver.ledger().list_migrations({"", id, "queued", ""}, "", "", 100000)) {
            driver.end(move, "cancelled", "the batch was cancelled by " + changes.actor().subject);
        }
        return view_of(driver.ledger(), *batch);
    });
}

Migration MigrationService::get(const std::string& id) const {
    return deps_.store.read(
        [&](StorageTransaction& tx) { return existing_migration(migration_ledger(tx), id); });
}

std::vector<Migration> MigrationService::list(const MigrationQuery& query) const {
    const auto [created_at, id] = split_newest_first_cursor(query.before, "before");
    return deps_.store.read([&](StorageTransaction& tx) {
        return migration_ledger(tx).list_migrations(query.filter, created_at, id, query.limit);
    });
}

BatchView MigrationService::batch(const std::string& id) const {
    return deps_.store.read([&](StorageTransaction& tx) {
        auto& ledger = migration_ledger(tx);
        const auto found = ledger.find_migration_batch(id);
        if (!found) {
            throw DomainError::not_found("no migration batch with id '" + id + "'");
        }
        return view_of(ledger, *found);
    });
}

std::vector<BatchView> MigrationService::batches(const BatchQuery& query) const {
    const auto [created_at, id] = split_newest_first_cursor(query.before, "before");
    return deps_.store.read([&](StorageTransaction& tx) {
        auto& ledger = migration_ledger(tx);
        std::vector<plugin_api::MigrationBatch> found;
        if (auto* pages = dynamic_cast<plugin_api::MigrationBatchPages*>(&tx)) {
            found = pages->list_migration_batches_before(query.simulator_id, created_at, id,
                                                         query.limit);
        } else if (query.before.empty()) {
            found = ledger.list_migration_batches(query.simulator_id, query.limit);
        } else {
            throw DomainError(Fault::unavailable, "storage_unsupported",
                              "the storage plugin pages no migration batches (it predates plugin "
                              "ABI 1.12): ask for the first page only");
        }
        std::vector<BatchView> views;
        for (const auto& batch : found) {
            views.push_back(view_of(ledger, batch));
        }
        return views;
    });
}

void MigrationService::on_operation_result(Changes& changes,
                                           const plugin_api::Operation& operation) const {
    auto* ledger = find_migration_ledger(changes.tx());
    if (ledger == nullptr) {
        return;
    }
    const auto migration = ledger->find_migration_by_operation(operation.id);
    if (!migration || migration->state != "running" || migration->operation_id != operation.id) {
        return;  // not a move's step, or one the move no longer waits for (cancelled)
    }
    MoveDriver(changes, deps_).on_result(*migration, operation);
}

int MigrationService::fail_stalled(const std::string& now) const {
    if (deps_.step_timeout_s <= 0) {
        return 0;
    }
    // A read first: the watch runs every 10 s and should not write when nothing is stalled.
    const bool any = deps_.store.read([&](StorageTransaction& tx) {
        for (const auto& move : active_migrations(tx)) {
            const auto started = step_started_at(detail_of(move));
            if (move.state == "running" && move.operation_id != 0 && !started.empty() &&
                seconds_between(started, now) >= deps_.step_timeout_s) {
                return true;
            }
        }
        return false;
    });
    if (!any) {
        return 0;
    }
    const Actor actor{kMigrationActor, ""};
    return deps_.store
        .command(
            actor,
            [&](Changes& changes) {
                int failed = 0;
                const MoveDriver driver(changes, deps_);
                for (const auto& move : active_migrations(changes.tx())) {
                    // Each end may start a batch's next move: read it again.
                    const auto current = driver.ledger().find_migration(move.id);
                    if (!current || current->state != "running" || current->operation_id == 0) {
                        continue;
                    }
                    const auto started = step_started_at(detail_of(*current));
                    if (started.empty() || seconds_between(started, now) < deps_.step_timeout_s) {
                        continue;
                    }
                    const std::string why = current->step + " did not finish within " +
                                            std::to_string(deps_.step_timeout_s) +
                                            " s (migration.step_timeout_s)";
                    if (switched(*current)) {
                        auto detail = detail_of(*current);
                        detail["teardown_error"] = why;
                        Migration ended = *current;
                        ended.detail = detail.dump();
                        driver.end(ended, "succeeded", "");
                    } else {
                        driver.end(*current, "failed", why);
                    }
                    ++failed;
                }
                return failed;
            })
        .value;
}

bool region_is_moving(StorageTransaction& tx, const std::string& region_id) {
    return active_migration_of(tx, region_id).has_value();
}

}  // namespace vergegrid::control
