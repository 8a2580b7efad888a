// Batches of moves (docs/migration.md): the drain of a simulator with bounded parallelism, its
// cancel, and the evacuation of an offline simulator from its regions' latest snapshots.
#include <gtest/gtest.h>

#include "control/common/clock.hpp"
#include "strict_json/strict_json.hpp"
#include "tests/control/migrations/migration_fixture.hpp"

namespace vergegrid::control {
namespace {

using Json = nlohmann::json;

class MigrationBatchTest : public MigrationFixture {
  protected:
    std::vector<plugin_api::Region> five_regions() {
        std::vector<plugin_api::Region> made;
        for (int i = 0; i < 5; ++i) {
            made.push_back(placed("Region" + std::to_string(i), 1000 + 2 * i));
        }
        return made;
    }

    std::vector<plugin_api::Migration> running(const std::string& batch_id) {
        std::vector<plugin_api::Migration> found;
        for (const auto& move : migrations().batch(batch_id).migrations) {
            if (move.state == "running") {
                found.push_back(move);
            }
        }
        return found;
    }

    std::string access_store_state(const std::string& simulator_id) {
        return store().read([&](plugin_api::StorageTransaction& tx) {
            return access_store(tx).find_simulator(simulator_id)->state;
        });
    }

    void set_offline(const std::string& heartbeat) {
        store().write([&](plugin_api::StorageTransaction& tx) {
            auto simulator = *access_store(tx).find_simulator(kSimulator);
            simulator.state = "offline";
            simulator.last_heartbeat_at = heartbeat;
            access_store(tx).update_simulator(simulator);
        });
    }
};

TEST_F(MigrationBatchTest, ADrainRunsAtMostMaxParallelMovesAndEachEndStartsTheNext) {
    five_regions();
    const auto started = migrations().drain(actor(), {kSimulator, 2, {}}).value;
    EXPECT_EQ(started.total, 5);
    EXPECT_EQ(started.running, 2);
    EXPECT_EQ(started.left, 5);
    EXPECT_EQ(started.batch.kind, "drain");
    EXPECT_EQ(access_store_state(kSimulator), "cordoned");
    const auto id = started.batch.id;
    for (int guard = 0; guard < 200 && migrations().batch(id).left > 0; ++guard) {
        const auto now_running = running(id);
        ASSERT_LE(now_running.size(), 2U);
        ASSERT_FALSE(now_running.empty());
        const auto before = migrations().batch(id);
        succeed_step(now_running.front().id);
        const auto after = migrations().batch(id);
        if (after.done > before.done && after.left > 1) {
            EXPECT_EQ(after.running, 2);  // the end started the next one at once
        }
    }
    const auto done = migrations().batch(id);
    EXPECT_EQ(done.done, 5);
    EXPECT_EQ(done.batch.state, "finished");
    for (const auto& move : done.migrations) {
        EXPECT_EQ(region_now(move.region_id).placement.simulator_id, kOtherSimulator);
    }
    EXPECT_EQ(batch_to_json(done)["progress"]["done"], 5);
}

TEST_F(MigrationBatchTest, CancellingADrainCancelsTheQueuedMovesAndLetsTheRunningOnesFinish) {
    five_regions();
    const auto id = migrations().drain(actor(), {kSimulator, 2, {}}).value.batch.id;
    const auto cancelled = migrations().cancel_batch(actor(), id).value;
    EXPECT_EQ(cancelled.batch.state, "cancelled");
    EXPECT_EQ(cancelled.running, 2);
    EXPECT_EQ(cancelled.cancelled, 3);
    EXPECT_EQ(cancelled.failed, 0);
    for (const auto& move : running(id)) {
        run_to_end(move.id);
    }
    const auto done = migrations().batch(id);
    EXPECT_EQ(done.done, 2);
    EXPECT_EQ(done.cancelled, 3);
    EXPECT_EQ(batch_to_json(done)["progress"]["cancelled"], 3);
    EXPECT_EQ(done.failed, 0);
    EXPECT_EQ(done.left, 0);
    EXPECT_EQ(done.batch.state, "cancelled");
    EXPECT_EQ(refusal([&] { migrations().cancel_batch(actor(), id); }).code(), "batch_ended");
}

TEST_F(MigrationBatchTest, DrainOptionsAreChecked) {
    EXPECT_EQ(refusal([&] {
                  migrations().drain(actor(), {kSimulator, 0, {}});
              }).field(),
              "max_parallel");
    EXPECT_EQ(refusal([&] {
                  migrations().drain(actor(), {kSimulator, 17, {}});
              }).field(),
              "max_parallel");
}

TEST_F(MigrationBatchTest, AnEvacuationRecreatesRegionsFromTheirLatestSnapshot) {
    const auto kept = placed("Kept");
    const auto empty = placed("Empty", 1002);
    const auto snapshot = service().take(actor(), {kept.uuid, std::nullopt, ""}).value;
    upload_all(snapshot.id, archive(1500));
    const auto taken = service().get(snapshot.id);
    EXPECT_EQ(refusal([&] {
                  migrations().evacuate(actor(), {kSimulator, 2});
              }).code(),
              "simulator_not_offline");
    set_offline(iso8601_plus_seconds(taken.created_at, 30));

    const auto batch = migrations().evacuate(actor(), {kSimulator, 2}).value;
    EXPECT_EQ(batch.batch.kind, "evacuate");
    ASSERT_EQ(batch.total, 2);
    for (const auto& move : batch.migrations) {
        const auto shown = migration_to_json(move);
        if (move.region_id == kept.uuid) {
            EXPECT_EQ(shown["plan"],
                      Json({"create_target", "load_latest", "switch_over", "teardown_source"}));
            EXPECT_EQ(shown["loss_window_s"], 30);
            EXPECT_EQ(succeed_step(move.id).kind, "create");
            const auto load = succeed_step(move.id);
            EXPECT_EQ(load.kind, "restore");
            EXPECT_EQ(strict_json::parse(load.spec)["snapshot_id"], snapshot.id);
        } else {
            EXPECT_EQ(shown["plan"], Json({"create_target", "switch_over", "teardown_source"}));
            EXPECT_TRUE(shown["loss_window_s"].is_null());
            EXPECT_NE(shown["detail"]["note"].get<std::string>().find("empty"), std::string::npos);
            EXPECT_EQ(succeed_step(move.id).kind, "create");
        }
        // The teardown goes to the offline source all the same.
        const auto teardown = waiting(move.id);
        EXPECT_EQ(teardown.kind, "delete");
        EXPECT_EQ(teardown.simulator_id, kSimulator);
        EXPECT_EQ(region_now(move.region_id).placement.simulator_id, kOtherSimulator);
    }
    (void)empty;
}

TEST_F(MigrationBatchTest, ARebalancePlansWithoutWritingAndThenMovesAsPlanned) {
    five_regions();
    Rebalance dry;
    const auto planned = migrations().rebalance(actor(), dry).value;
    ASSERT_FALSE(planned.moves.empty());
    EXPECT_FALSE(planned.batch);
    for (const auto& move : planned.moves) {
        EXPECT_EQ(move.from_simulator_id, kSimulator);
        EXPECT_EQ(move.to_simulator_id, kOtherSimulator);
    }
    EXPECT_TRUE(migrations().list({}).empty());

    Rebalance run;
    run.dry_run = false;
    const auto executed = migrations().rebalance(actor(), run).value;
    ASSERT_TRUE(executed.batch);
    EXPECT_EQ(executed.batch->batch.kind, "rebalance");
    EXPECT_EQ(executed.batch->total, static_cast<int>(planned.moves.size()));
    for (int guard = 0; guard < 100 && migrations().batch(executed.batch->batch.id).left > 0;
         ++guard) {
        succeed_step(running(executed.batch->batch.id).front().id);
    }
    const auto done = migrations().batch(executed.batch->batch.id);
    EXPECT_EQ(done.done, done.total);
    for (const auto& move : done.migrations) {
        EXPECT_EQ(move.target_simulator_id, kOtherSimulator);
        EXPECT_EQ(region_now(move.region_id).placement.simulator_id, kOtherSimulator);
    }
    // Balanced now: nothing left to plan.
    EXPECT_TRUE(migrations().rebalance(actor(), dry).value.moves.empty());
    run.max_moves = 0;
    EXPECT_EQ(refusal([&] { migrations().rebalance(actor(), run); }).field(), "max_moves");
}

}  // namespace
}  // namespace vergegrid::control
