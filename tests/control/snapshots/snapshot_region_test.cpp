// What a snapshot's end sets off: a delete waiting for its final snapshot, a restore waiting for
// its safety snapshot; and regions made from snapshots.
#include <gtest/gtest.h>

#include "control/common/stored_json.hpp"
#include "tests/control/snapshots/snapshot_fixture.hpp"

namespace vergegrid::control {
namespace {

class SnapshotRegionTest : public SnapshotFixture {
  protected:
    plugin_api::Snapshot complete_snapshot(const plugin_api::Region& region) {
        const auto snapshot = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
        upload_all(snapshot.id, archive(1500, static_cast<char>('a' + region.version.patch)));
        return service().get(snapshot.id);
    }

    std::vector<plugin_api::Operation> restores(const std::string& simulator_id) {
        std::vector<plugin_api::Operation> found;
        for (const auto& op : operations(simulator_id)) {
            if (op.kind == "restore") {
                found.push_back(op);
            }
        }
        return found;
    }
};

TEST_F(SnapshotRegionTest, APersistentRegionGoesWhenItsFinalSnapshotCompletes) {
    const auto region = placed("Alpha");
    const auto deletion = service().delete_region(actor(), {region.uuid, std::nullopt, false});
    EXPECT_FALSE(deletion.value.deleted);
    ASSERT_TRUE(deletion.value.snapshot);
    EXPECT_EQ(deletion.value.snapshot->reason, "before-delete");
    EXPECT_TRUE(region_exists(region.uuid));
    const auto again = service().delete_region(actor(), {region.uuid, std::nullopt, false});
    ASSERT_TRUE(again.value.snapshot);
    EXPECT_EQ(again.value.snapshot->id, deletion.value.snapshot->id);  // no second save
    upload_all(deletion.value.snapshot->id, archive(2000));
    EXPECT_FALSE(region_exists(region.uuid));
    EXPECT_EQ(service().get(deletion.value.snapshot->id).state, "complete");
    ASSERT_EQ(audit("region.delete").size(), 1U);
    EXPECT_EQ(audit("region.delete")[0].actor, "alice");
    EXPECT_EQ(operations(kSimulator).front().kind, "delete");  // newest first
}

TEST_F(SnapshotRegionTest, AFailedFinalSnapshotKeepsTheRegionUnlessForced) {
    const auto region = placed("Alpha");
    const auto kept = service().delete_region(actor(), {region.uuid, std::nullopt, false});
    report(kept.value.snapshot->operation_id, "failed", {{"error", "no disk"}});
    EXPECT_TRUE(region_exists(region.uuid));
    EXPECT_TRUE(audit("region.delete").empty());

    const auto forced = service().delete_region(actor(), {region.uuid, std::nullopt, true});
    EXPECT_FALSE(forced.value.deleted);
    report(forced.value.snapshot->operation_id, "failed", {{"error", "no disk"}});
    EXPECT_FALSE(region_exists(region.uuid));
    EXPECT_EQ(service().get(forced.value.snapshot->id).state, "failed");
}

TEST_F(SnapshotRegionTest, ForceDeletesAtOnceWhenNothingCanSaveTheState) {
    const auto region = placed("Alpha");
    store().write([](plugin_api::StorageTransaction& tx) {
        auto simulator = *access_store(tx).find_simulator(kSimulator);
        simulator.state = "offline";
        access_store(tx).update_simulator(simulator);
    });
    EXPECT_EQ(refusal([&] {
                  service().delete_region(actor(), {region.uuid, std::nullopt, false});
              }).code(),
              "state_unsaveable");
    const auto forced = service().delete_region(actor(), {region.uuid, std::nullopt, true});
    EXPECT_TRUE(forced.value.deleted);
    ASSERT_TRUE(forced.value.snapshot);
    EXPECT_EQ(forced.value.snapshot->state, "failed");
    EXPECT_FALSE(region_exists(region.uuid));
}

TEST_F(SnapshotRegionTest, AnEphemeralRegionIsDeletedAtOnceWithoutASnapshot) {
    const auto region = placed("Alpha");
    set_policy(region.uuid, "ephemeral");
    const auto deletion = service().delete_region(actor(), {region.uuid, std::nullopt, false});
    EXPECT_TRUE(deletion.value.deleted);
    EXPECT_FALSE(deletion.value.snapshot);
    EXPECT_FALSE(region_exists(region.uuid));
    EXPECT_TRUE(audit("snapshot.create").empty());
}

TEST_F(SnapshotRegionTest, ARestoreWaitsForItsSafetySnapshotThenLoads) {
    const auto region = placed("Alpha");
    const auto old = complete_snapshot(region);
    const auto queued = service().restore(actor(), {region.uuid, std::nullopt, old.id});
    ASSERT_TRUE(queued.value.safety);
    EXPECT_EQ(queued.value.safety->reason, "before-restore");
    EXPECT_EQ(queued.value.restore_operation_id, 0);
    EXPECT_TRUE(restores(kSimulator).empty());
    upload_all(queued.value.safety->id, archive(700, 'z'));
    const auto loads = restores(kSimulator);
    ASSERT_EQ(loads.size(), 1U);
    const auto spec = stored_document_or_null(loads[0].spec);
    EXPECT_EQ(spec.at("snapshot_id"), old.id);
    EXPECT_EQ(spec.at("sha256"), old.sha256);
    EXPECT_EQ(spec.at("size_bytes"), old.size_bytes);
    EXPECT_EQ(loads[0].op_class, "eager");
    ASSERT_EQ(audit("region.restore").size(), 1U);
    EXPECT_EQ(regions.history(region.uuid).size(), 2U);  // no new version: same configuration
}

TEST_F(SnapshotRegionTest, ARestoreAtAnotherVersionRollsBackInOneHistoryEntry) {
    const auto region = placed("Alpha");
    const auto old = complete_snapshot(region);
    const auto changed = update(region, {{"flags", {{"max_prims", 99}}}}).value.region;
    set_policy(region.uuid, "ephemeral");  // no safety snapshot: the load is queued at once
    const auto history_before = regions.history(region.uuid).size();
    const auto queued = service().restore(actor(), {region.uuid, std::nullopt, old.id});
    EXPECT_FALSE(queued.value.safety);
    EXPECT_NE(queued.value.restore_operation_id, 0);
    const auto history = regions.history(region.uuid);
    ASSERT_EQ(history.size(), history_before + 1);
    EXPECT_EQ(history.back().change, "rollback");
    EXPECT_EQ(regions.get(region.uuid).flags.max_prims, region.flags.max_prims);
    EXPECT_NE(changed.flags.max_prims, region.flags.max_prims);
}

TEST_F(SnapshotRegionTest, RollbackWithStateRestoresTheSnapshotOfThatVersion) {
    const auto region = placed("Alpha");
    const auto old = complete_snapshot(region);
    update(region, {{"flags", {{"max_prims", 99}}}});
    const auto error = refusal([&] {
        service().rollback_with_state(actor(), {region.uuid, std::nullopt, {9, 9, 9}});
    });
    EXPECT_EQ(error.code(), "no_snapshot_at_version");
    const auto queued =
        service().rollback_with_state(actor(), {region.uuid, std::nullopt, region.version});
    ASSERT_TRUE(queued.value.safety);
    upload_all(queued.value.safety->id, archive(600, 'q'));
    EXPECT_EQ(regions.get(region.uuid).flags.max_prims, region.flags.max_prims);
    ASSERT_EQ(restores(kSimulator).size(), 1U);
    EXPECT_EQ(stored_document_or_null(restores(kSimulator)[0].spec).at("snapshot_id"), old.id);
}

TEST_F(SnapshotRegionTest, ADeletedRegionComesBackFromItsFinalSnapshot) {
    const auto region = placed("Alpha");
    const auto deletion = service().delete_region(actor(), {region.uuid, std::nullopt, false});
    upload_all(deletion.value.snapshot->id, archive(900));
    ASSERT_FALSE(region_exists(region.uuid));
    const auto made =
        service().create_from_snapshot(actor(), {{"from_snapshot", deletion.value.snapshot->id},
                                                 {"placement", {{"simulator_id", kOtherSimulator}}},
                                                 {"host", "other.example.org"},
                                                 {"port", 9100}});
    const auto& fresh = made.value.region.region;
    EXPECT_NE(fresh.uuid, region.uuid);
    EXPECT_EQ(fresh.name, "Alpha");
    EXPECT_EQ(fresh.placement.simulator_id, kOtherSimulator);
    const auto ops = operations(kOtherSimulator);  // newest first: the load after the create
    ASSERT_GE(ops.size(), 2U);
    EXPECT_EQ(ops[0].kind, "restore");
    EXPECT_EQ(ops[0].id, made.value.restore_operation_id);
    EXPECT_EQ(ops[1].kind, "create");
    // The simulator that loads it may download the old region's snapshot once it has the load.
    OperationService channel(store(), signals, pending_keys);
    std::get<PullAnswer>(channel.pull(simulator(kOtherSimulator), 0));
    EXPECT_EQ(service().content_for(simulator(kOtherSimulator), deletion.value.snapshot->id).size,
              900U);
}

}  // namespace
}  // namespace vergegrid::control
