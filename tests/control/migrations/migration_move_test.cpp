// One region's move (docs/migration.md): every step's operation, the switch, the rollback of a
// failure at any step before it, cancel, the reservations of the target, the refusals of the
// region's other changes while it moves, the target's access to the snapshot, stalled steps.
#include <gtest/gtest.h>

#include <set>

#include "control/common/clock.hpp"
#include "control/regions/region_moving.hpp"
#include "control/regions/region_placement.hpp"
#include "strict_json/strict_json.hpp"
#include "tests/control/migrations/migration_fixture.hpp"

namespace vergegrid::control {
namespace {

using Json = nlohmann::json;

class MigrationMoveTest : public MigrationFixture {
  protected:
    static Json spec_of(const plugin_api::Operation& op) { return strict_json::parse(op.spec); }
    static Json detail(const plugin_api::Migration& m) { return migration_to_json(m); }

    std::size_t deletes_of(const std::string& simulator_id, const std::string& region_id) {
        std::size_t count = 0;
        for (const auto& op : ops_of_kind(simulator_id, "delete")) {
            count += op.region_uuid == region_id ? 1 : 0;
        }
        return count;
    }
};

TEST_F(MigrationMoveTest, AColdMoveRunsEachStepOnItsSimulatorAndSwitchesWithoutAnOperation) {
    const auto region = placed("Alpha");
    const auto started = migrations().move(actor(), move_of(region)).value;
    const auto id = started.migration.id;
    ASSERT_TRUE(started.decision);
    EXPECT_EQ(started.migration.state, "running");
    EXPECT_EQ(started.migration.target_simulator_id, kOtherSimulator);
    EXPECT_EQ(started.migration.source_simulator_id, kSimulator);
    EXPECT_EQ(strict_json::parse(started.migration.plan),
              Json({"check_agents", "snapshot_final", "create_target", "load_final", "switch_over",
                    "teardown_source"}));

    const auto agents = succeed_step(id);
    EXPECT_EQ(agents.kind, "agents");
    EXPECT_EQ(agents.simulator_id, kSimulator);
    EXPECT_EQ(spec_of(agents)["region_id"], region.uuid);
    EXPECT_EQ(spec_of(agents)["when_empty"], false);
    EXPECT_EQ(spec_of(agents)["deadline_s"], 300);
    EXPECT_NE(spec_of(agents)["message"].get<std::string>().find("Alpha"), std::string::npos);

    const auto saved = succeed_step(id);
    EXPECT_EQ(saved.kind, "snapshot");
    EXPECT_EQ(saved.simulator_id, kSimulator);
    const auto snapshot = snapshots_of(region.uuid).front();
    EXPECT_EQ(snapshot.reason, "before-move");
    EXPECT_EQ(snapshot.state, "complete");
    EXPECT_TRUE(detail(migration(id))["detail"].contains("downtime_started_at"));

    const auto created = succeed_step(id);
    EXPECT_EQ(created.kind, "create");
    EXPECT_EQ(created.simulator_id, kOtherSimulator);
    EXPECT_EQ(spec_of(created)["placement"]["simulator_id"], kOtherSimulator);
    EXPECT_EQ(spec_of(created)["port"], started.migration.target_port);
    EXPECT_EQ(spec_of(created)["host"], started.migration.target_host);
    EXPECT_EQ(region_now(region.uuid).placement.simulator_id, kSimulator);  // not switched yet

    const auto loaded = succeed_step(id);
    EXPECT_EQ(loaded.kind, "restore");
    EXPECT_EQ(loaded.simulator_id, kOtherSimulator);
    EXPECT_EQ(spec_of(loaded)["snapshot_id"], snapshot.id);
    EXPECT_EQ(spec_of(loaded)["sha256"], snapshot.sha256);

    // Switched in the load's result transaction: the record is the target's, a minor version.
    const auto moved = region_now(region.uuid);
    EXPECT_EQ(moved.placement.simulator_id, kOtherSimulator);
    EXPECT_EQ(moved.port, started.migration.target_port);
    EXPECT_EQ(moved.host, started.migration.target_host);
    EXPECT_EQ(moved.version.minor, region.version.minor + 1);
    EXPECT_EQ(regions.history(region.uuid).back().change, "move");
    EXPECT_EQ(ops_of_kind(kOtherSimulator, "create").size(), 1U);  // none for the switch
    EXPECT_TRUE(ops_of_kind(kOtherSimulator, "update").empty());

    const auto teardown = succeed_step(id);
    EXPECT_EQ(teardown.kind, "delete");
    EXPECT_EQ(teardown.simulator_id, kSimulator);
    const auto done = detail(migration(id));
    EXPECT_EQ(done["state"], "succeeded");
    EXPECT_TRUE(done["downtime_ms"].is_number_integer());
    EXPECT_GE(done["downtime_ms"].get<long>(), 0);
    EXPECT_EQ(done["final_snapshot"]["id"], snapshot.id);
    EXPECT_EQ(done["final_snapshot"]["save_ms"], 12);
    EXPECT_EQ(done["steps"].size(), 6U);
    EXPECT_EQ(done["detail"]["agents"]["agents"], 0);
    EXPECT_FALSE(audit("migration.start").empty());
    EXPECT_FALSE(audit("migration.succeed").empty());
    EXPECT_FALSE(audit("region.move").empty());
}

TEST_F(MigrationMoveTest, AWarmMoveLoadsTwoSnapshotsAndTheFinalLeavesTheAssetsOut) {
    auto region = update(placed("Alpha"), {{"region_state_mode", "full"}}).value.region;
    MoveOptions warm;
    warm.warm = true;
    const auto id = migrations().move(actor(), move_of(region, warm)).value.migration.id;
    succeed_step(id);  // agents
    const auto first = succeed_step(id);
    EXPECT_EQ(first.kind, "snapshot");
    EXPECT_TRUE(spec_of(first)["parts"].dump().find("\"mesh\"") != std::string::npos);
    EXPECT_FALSE(detail(migration(id))["detail"].contains("downtime_started_at"));
    EXPECT_EQ(succeed_step(id).kind, "create");
    const auto load_first = succeed_step(id);
    EXPECT_EQ(load_first.kind, "restore");
    const auto final_save = succeed_step(id);
    EXPECT_EQ(final_save.kind, "snapshot");
    const auto parts = spec_of(final_save)["parts"].dump();
    for (const char* asset : {"\"mesh\"", "\"texture_refs\"", "\"inventory_refs\""}) {
        EXPECT_EQ(parts.find(asset), std::string::npos) << asset;
    }
    EXPECT_NE(parts.find("\"prims\""), std::string::npos);
    const auto load_final = succeed_step(id);
    EXPECT_EQ(load_final.kind, "restore");
    EXPECT_NE(spec_of(load_first)["snapshot_id"], spec_of(load_final)["snapshot_id"]);
    run_to_end(id);
    const auto done = detail(migration(id));
    EXPECT_EQ(done["state"], "succeeded");
    EXPECT_EQ(done["first_snapshot"]["id"], spec_of(load_first)["snapshot_id"]);
    EXPECT_EQ(done["final_snapshot"]["id"], spec_of(load_final)["snapshot_id"]);
    EXPECT_TRUE(done["downtime_ms"].is_number_integer());
}

TEST_F(MigrationMoveTest, AFailureAtAnyStepBeforeTheSwitchRollsBackToTheSource) {
    const std::vector<std::string> steps = {"check_agents", "snapshot_final", "create_target",
                                            "load_final"};
    for (std::size_t fail_at = 0; fail_at < steps.size(); ++fail_at) {
        SCOPED_TRACE(steps[fail_at]);
        const auto region = placed("Region" + std::to_string(fail_at), 1000 + 2 * fail_at);
        const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
        for (std::size_t i = 0; i < fail_at; ++i) {
            succeed_step(id);
        }
        const auto op = waiting(id);
        report_on(op.simulator_id, op.id, "failed", {{"error", "boom"}});
        const auto failed = migration(id);
        EXPECT_EQ(failed.state, "failed");
        EXPECT_NE(failed.error.find(steps[fail_at]), std::string::npos) << failed.error;
        EXPECT_NE(failed.error.find("boom"), std::string::npos) << failed.error;
        EXPECT_EQ(region_now(region.uuid).placement.simulator_id, kSimulator);
        EXPECT_EQ(region_now(region.uuid).version, region.version);
        // The target is cleared only when its create was queued.
        EXPECT_EQ(deletes_of(kOtherSimulator, region.uuid), fail_at >= 2 ? 1U : 0U);
        EXPECT_EQ(deletes_of(kSimulator, region.uuid), 0U);
        EXPECT_NO_THROW(update(region_now(region.uuid), {{"flags", {{"enabled", true}}}}));
    }
}

TEST_F(MigrationMoveTest, ATargetPortTakenOutsideTheGridIsReplacedByAnotherFreePort) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    succeed_step(id);  // agents
    succeed_step(id);  // snapshot
    const int first_port = migration(id).target_port;
    const auto refused = waiting(id);
    ASSERT_EQ(refused.kind, "create");
    report_on(kOtherSimulator, refused.id, "failed",
              {{"error", "UDP port in use"}, {"refused", true}, {"reason", "port_in_use"}});
    const auto retried = migration(id);
    EXPECT_EQ(retried.state, "running");
    EXPECT_EQ(retried.step, "create_target");
    EXPECT_NE(retried.target_port, first_port);
    const auto again = waiting(id);
    EXPECT_EQ(again.kind, "create");
    EXPECT_NE(again.id, refused.id);
    EXPECT_EQ(spec_of(again)["port"], retried.target_port);
    EXPECT_EQ(detail(retried)["detail"]["ports_refused"], Json({first_port}));
    // The refused port stays out of what placement hands out while the move runs.
    const auto other = placed("Beta", 1010);
    EXPECT_NE(other.port, first_port);
    run_to_end(id);
    EXPECT_EQ(migration(id).state, "succeeded");
    EXPECT_EQ(region_now(region.uuid).port, retried.target_port);
}

TEST_F(MigrationMoveTest, AMoveGivesUpAfterItsTargetRefusedFourPorts) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    succeed_step(id);
    succeed_step(id);
    std::set<int> tried;
    for (int i = 0; i < 4; ++i) {
        const auto create = waiting(id);
        ASSERT_EQ(create.kind, "create");
        tried.insert(migration(id).target_port);
        report_on(kOtherSimulator, create.id, "failed",
                  {{"error", "port taken"}, {"reason", "port_in_use"}});
    }
    EXPECT_EQ(tried.size(), 4U);
    const auto failed = migration(id);
    EXPECT_EQ(failed.state, "failed");
    EXPECT_NE(failed.error.find("create_target"), std::string::npos) << failed.error;
    EXPECT_EQ(region_now(region.uuid).placement.simulator_id, kSimulator);
    EXPECT_EQ(deletes_of(kOtherSimulator, region.uuid), 1U);
}

TEST_F(MigrationMoveTest, ACreateRefusedForAnotherReasonIsNotRetried) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    succeed_step(id);
    succeed_step(id);
    const auto create = waiting(id);
    report_on(kOtherSimulator, create.id, "failed",
              {{"error", "location overlaps region X"}, {"refused", true}});
    EXPECT_EQ(migration(id).state, "failed");
}

TEST_F(MigrationMoveTest, ASnapshotReportedWithoutItsArchiveFailsTheMove) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    succeed_step(id);
    const auto save = waiting(id);
    report_on(kSimulator, save.id, "succeeded");  // no upload
    EXPECT_EQ(migration(id).state, "failed");
    EXPECT_NE(migration(id).error.find("snapshot_final"), std::string::npos);
}

TEST_F(MigrationMoveTest, AFailedTeardownAfterTheSwitchLeavesTheMoveSucceededOnTheTarget) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    for (int i = 0; i < 4; ++i) {
        succeed_step(id);
    }
    const auto teardown = waiting(id);
    ASSERT_EQ(teardown.kind, "delete");
    report_on(kSimulator, teardown.id, "failed", {{"error", "region not found"}});
    const auto done = detail(migration(id));
    EXPECT_EQ(done["state"], "succeeded");
    EXPECT_EQ(done["error"], "");
    EXPECT_EQ(done["detail"]["teardown_error"], "region not found");
    EXPECT_EQ(region_now(region.uuid).placement.simulator_id, kOtherSimulator);
    EXPECT_TRUE(ops_of_kind(kOtherSimulator, "delete").empty());
}

TEST_F(MigrationMoveTest, CancelBeforeTheSwitchRollsBackAndAfterItIsRefused) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    for (int i = 0; i < 3; ++i) {
        succeed_step(id);
    }
    const auto load = waiting(id);
    const auto cancelled = migrations().cancel(actor(), id).value;
    EXPECT_EQ(cancelled.state, "cancelled");
    EXPECT_NE(cancelled.error.find("alice"), std::string::npos);
    EXPECT_EQ(deletes_of(kOtherSimulator, region.uuid), 1U);
    report_on(kOtherSimulator, load.id, "succeeded");  // too late: nothing follows
    EXPECT_EQ(migration(id).state, "cancelled");
    EXPECT_EQ(region_now(region.uuid).placement.simulator_id, kSimulator);
    EXPECT_EQ(refusal([&] { migrations().cancel(actor(), id); }).code(), "migration_ended");

    const auto other = placed("Beta", 1005);
    const auto second = migrations().move(actor(), move_of(other)).value.migration.id;
    for (int i = 0; i < 4; ++i) {
        succeed_step(second);
    }
    EXPECT_EQ(refusal([&] { migrations().cancel(actor(), second); }).code(), "already_switched");
}

TEST_F(MigrationMoveTest, TheTargetsSlotAndPortAreReservedUntilTheSwitch) {
    const auto region = placed("Alpha");
    const auto first = migrations().move(actor(), move_of(region)).value.migration;
    const auto grid =
        store().read([](plugin_api::StorageTransaction& tx) { return load_grid_state(tx); });
    EXPECT_EQ(grid.find_simulator(kOtherSimulator)->region_count, 1);
    EXPECT_TRUE(grid.port_used(first.target_host, first.target_port));
    EXPECT_EQ(grid.region_at(1000, 1000)->uuid, region.uuid);  // no second map cell

    // A second move onto the same simulator takes another port.
    const auto other = placed("Beta", 1005);
    const auto second = migrations().move(actor(), move_of(other)).value.migration;
    EXPECT_EQ(second.target_simulator_id, kOtherSimulator);
    EXPECT_NE(second.target_port, first.target_port);

    // The last slot: with room for two, a third region finds no place on it.
    store().write([](plugin_api::StorageTransaction& tx) {
        auto simulator = *access_store(tx).find_simulator(kOtherSimulator);
        simulator.capacity = 2;
        access_store(tx).update_simulator(simulator);
    });
    const auto third = placed("Gamma", 1010);
    EXPECT_EQ(refusal([&] { migrations().move(actor(), move_of(third)); }).fault(),
              Fault::conflict);
    run_to_end(first.id);
    const auto after =
        store().read([](plugin_api::StorageTransaction& tx) { return load_grid_state(tx); });
    EXPECT_EQ(after.find_simulator(kOtherSimulator)->region_count, 2);  // Alpha, Beta's hold
}

TEST_F(MigrationMoveTest, ATargetOnTheSourcesHostGetsAnotherPortThanTheServingSource) {
    const auto region = placed("Alpha");
    store().write([&](plugin_api::StorageTransaction& tx) {
        auto simulator = *access_store(tx).find_simulator(kOtherSimulator);
        simulator.hostname = region.host;  // both simulators on one machine
        access_store(tx).update_simulator(simulator);
    });
    const auto move = migrations().move(actor(), move_of(region)).value.migration;
    EXPECT_EQ(move.target_host, region.host);
    EXPECT_NE(move.target_port, region.port);
}

TEST_F(MigrationMoveTest, TheRegionsOtherChangesAreRefusedWhileItMoves) {
    auto region = placed("Alpha");
    const auto snapshot = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    upload_all(snapshot.id, archive(1500));
    region = region_now(region.uuid);
    migrations().move(actor(), move_of(region));
    const auto id = region.uuid;
    const std::vector<std::function<void()>> changes = {
        [&] {
            update(region, {{"flags", {{"enabled", false}}}});
        },
        [&] {
            regions.remove(actor(), {id, std::nullopt});
        },
        [&] { regions.restart(actor(), id); },
        [&] {
            regions.rollback(actor(), {id, std::nullopt, region.version});
        },
        [&] {
            regions.upgrade_template(actor(), {id, std::nullopt});
        },
        [&] {
            regions.move(actor(), {id, std::nullopt, kOtherSimulator, false});
        },
        [&] {
            service().take(actor(), {id, std::nullopt, ""});
        },
        [&] {
            service().restore(actor(), {id, std::nullopt, snapshot.id});
        },
        [&] {
            service().delete_region(actor(), {id, std::nullopt, false});
        },
        [&] { migrations().move(actor(), move_of(region)); },
    };
    for (std::size_t i = 0; i < changes.size(); ++i) {
        SCOPED_TRACE(i);
        const auto refused = refusal(changes[i]);
        EXPECT_EQ(refused.code(), "region_moving");
        EXPECT_EQ(refused.field(), "id");
    }
    EXPECT_TRUE(
        store().read([&](plugin_api::StorageTransaction& tx) { return region_is_moving(tx, id); }));
}

TEST_F(MigrationMoveTest, TheTargetMayReadTheSnapshotOnlyWhileItIsTheMovesTarget) {
    const auto region = placed("Alpha");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    succeed_step(id);
    succeed_step(id);
    const auto snapshot = snapshots_of(region.uuid).front();
    EXPECT_EQ(service().content_for(simulator(kOtherSimulator), snapshot.id).size,
              static_cast<std::uint64_t>(snapshot.size_bytes));
    migrations().cancel(actor(), id);
    EXPECT_EQ(
        refusal([&] { service().content_for(simulator(kOtherSimulator), snapshot.id); }).fault(),
        Fault::not_found);
}

TEST_F(MigrationMoveTest, AStepThatNeverEndsFailsTheMoveAfterTheTimeout) {
    const auto region = placed("Alpha");
    step_timeout_s = 60;
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    succeed_step(id);
    succeed_step(id);  // the create is queued now
    EXPECT_EQ(migrations().fail_stalled(now_iso8601()), 0);
    EXPECT_EQ(migrations().fail_stalled(iso8601_plus_seconds(now_iso8601(), 61)), 1);
    const auto failed = migration(id);
    EXPECT_EQ(failed.state, "failed");
    EXPECT_NE(failed.error.find("create_target did not finish within 60 s"), std::string::npos)
        << failed.error;
    EXPECT_EQ(deletes_of(kOtherSimulator, region.uuid), 1U);
    step_timeout_s = 0;
    const auto other = placed("Beta", 1005);
    migrations().move(actor(), move_of(other));
    EXPECT_EQ(migrations().fail_stalled(iso8601_plus_seconds(now_iso8601(), 100000)), 0);
}

TEST_F(MigrationMoveTest, AnEphemeralRegionMovesWithoutASnapshot) {
    const auto region = placed("Alpha");
    set_policy(region.uuid, "ephemeral");
    const auto id = migrations().move(actor(), move_of(region)).value.migration.id;
    EXPECT_EQ(strict_json::parse(migration(id).plan),
              Json({"check_agents", "create_target", "switch_over", "teardown_source"}));
    EXPECT_EQ(succeed_step(id).kind, "agents");
    EXPECT_EQ(succeed_step(id).kind, "create");
    EXPECT_EQ(succeed_step(id).kind, "delete");
    EXPECT_EQ(migration(id).state, "succeeded");
    EXPECT_TRUE(snapshots_of(region.uuid).empty());
    EXPECT_EQ(region_now(region.uuid).placement.simulator_id, kOtherSimulator);
}

TEST_F(MigrationMoveTest, WithoutAStrategyMovesAreUnavailable) {
    const auto region = placed("Alpha");
    strategy = nullptr;
    EXPECT_EQ(refusal([&] { migrations().move(actor(), move_of(region)); }).code(),
              "migrations_unavailable");
}

TEST(GridStateReserve, CountsTheSlotAndThePortButNoMapCell) {
    plugin_api::Simulator simulator;
    simulator.id = "s1";
    simulator.capacity = 4;
    simulator.state = "online";
    auto state = GridState::from({simulator}, {});
    state.reserve("s1", "h", 9001);
    EXPECT_EQ(state.find_simulator("s1")->region_count, 1);
    EXPECT_TRUE(state.port_used("h", 9001));
    EXPECT_EQ(state.free_port("h", 9001, 9002), 9002);
    EXPECT_EQ(state.region_at(0, 0), nullptr);
    EXPECT_TRUE(state.footprint_free(0, 0, 256, 256));
    // A region and a move holding one port: it stays taken until both let go.
    state.add({"r1", "Alpha", "s1", "h", 9002, 0, 0, 256, 256});
    state.reserve("", "h", 9002);
    state.remove("r1");
    EXPECT_TRUE(state.port_used("h", 9002));
    EXPECT_EQ(state.free_port("h", 9001, 9010), 9003);
}

}  // namespace
}  // namespace vergegrid::control
