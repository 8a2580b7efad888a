// Taking, listing and deleting snapshots: one command each, with its audited event; the snapshot
// operation is eager and rings the simulator after the commit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "control/common/stored_json.hpp"
#include "tests/control/snapshots/snapshot_fixture.hpp"

namespace vergegrid::control {
namespace {

using ::testing::ElementsAre;

class SnapshotServiceTest : public SnapshotFixture {};

TEST_F(SnapshotServiceTest, TakeQueuesAnEagerSnapshotOperationAndRecordsSnapshotCreate) {
    const auto region = placed("Alpha");
    const auto rings_before = signals.generation(kSimulator);
    const auto taken = service().take(actor(), {region.uuid, std::nullopt, "before the party"});
    const auto& snapshot = taken.value;
    EXPECT_EQ(snapshot.state, "pending");
    EXPECT_EQ(snapshot.reason, "manual");
    EXPECT_EQ(snapshot.note, "before the party");
    EXPECT_EQ(snapshot.region_version, region.version);
    EXPECT_EQ(snapshot.simulator_id, kSimulator);
    EXPECT_EQ(snapshot.lifecycle, "persistent");
    EXPECT_EQ(snapshot.actor, "alice");
    EXPECT_EQ(snapshot.parts, R"(["terrain","environment","parcels","flags"])");
    ASSERT_EQ(taken.events.size(), 1U);
    EXPECT_EQ(taken.events[0].type, "snapshot.create");

    const auto op = operation(snapshot.operation_id);
    EXPECT_EQ(op.kind, "snapshot");
    EXPECT_EQ(op.op_class, "eager");
    EXPECT_EQ(op.simulator_id, kSimulator);
    const auto spec = stored_document_or_null(op.spec);
    EXPECT_EQ(spec.at("snapshot_id"), snapshot.id);
    EXPECT_EQ(spec.at("region_name"), "Alpha");
    EXPECT_EQ(spec.at("parts").size(), 4U);
    EXPECT_GT(signals.generation(kSimulator), rings_before);
    ASSERT_EQ(audit("snapshot.create").size(), 1U);
    EXPECT_EQ(audit("snapshot.create")[0].entity_id, snapshot.id);
}

TEST_F(SnapshotServiceTest, ThePolicyAndTheRequestDecideTheParts) {
    const auto region = placed("Alpha");
    set_policy(region.uuid, "premium", R"({"prims":true,"mesh":true})");
    const auto by_mode = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    EXPECT_EQ(by_mode.parts, R"(["terrain","environment","parcels","flags","prims","mesh"])");
    EXPECT_EQ(by_mode.lifecycle, "premium");
    const auto asked =
        service().take(actor(), {region.uuid, nlohmann::json::array({"texture_refs"}), ""}).value;
    EXPECT_EQ(asked.parts, R"(["terrain","environment","parcels","flags","texture_refs"])");
    const auto error = refusal([&] {
        service().take(actor(), {region.uuid, nlohmann::json::array({"avatars"}), ""});
    });
    EXPECT_EQ(error.field(), "parts");
}

TEST_F(SnapshotServiceTest, ARegionOnNoSimulatorCannotBeSaved) {
    const auto region = create("Alpha");
    const auto error = refusal([&] { service().take(actor(), {region.uuid, std::nullopt, ""}); });
    EXPECT_EQ(error.code(), "not_placed");
    EXPECT_TRUE(snapshots_of(region.uuid).empty());
    EXPECT_TRUE(audit("snapshot.create").empty());
}

TEST_F(SnapshotServiceTest, ListsAreNewestFirstAndFilterByStateAndReason) {
    const auto region = placed("Alpha");
    const auto first = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a later created_at
    const auto second = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    upload_all(second.id, archive(100));
    const auto all = snapshots_of(region.uuid);
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0].id, second.id);
    EXPECT_EQ(all[1].id, first.id);
    const auto complete = service().list({{region.uuid, "complete", ""}, "", 10});
    ASSERT_EQ(complete.size(), 1U);
    EXPECT_EQ(complete[0].id, second.id);
    EXPECT_TRUE(service().list({{"", "", "scheduled"}, "", 10}).empty());
    const auto page =
        service().list({{region.uuid, "", ""}, all[0].created_at + "_" + all[0].id, 10});
    ASSERT_EQ(page.size(), 1U);
    EXPECT_EQ(page[0].id, first.id);
}

TEST_F(SnapshotServiceTest, DeleteRemovesTheRecordAndTheBytesNobodyElseRefersTo) {
    const auto region = placed("Alpha");
    const auto bytes = archive(3000);
    const auto a = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    const auto b = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    upload_all(a.id, bytes);
    upload_all(b.id, bytes);  // the same archive: one blob, two records
    const auto sha = sha256_hex(bytes);
    service().remove(actor(), a.id);
    EXPECT_TRUE(blobs->contains(sha));
    EXPECT_EQ(refusal([&] { service().get(a.id); }).fault(), Fault::not_found);
    service().remove(actor(), b.id);
    EXPECT_FALSE(blobs->contains(sha));
    EXPECT_EQ(audit("snapshot.delete").size(), 2U);
}

TEST_F(SnapshotServiceTest, ASnapshotBeingSavedCannotBeDeleted) {
    const auto region = placed("Alpha");
    const auto pending = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    EXPECT_EQ(refusal([&] { service().remove(actor(), pending.id); }).code(), "snapshot_busy");
}

TEST_F(SnapshotServiceTest, AFailedSnapshotOperationFailsTheSnapshotWithItsReason) {
    const auto region = placed("Alpha");
    const auto snapshot = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    service().upload(simulator(), {snapshot.id, 0, 9, 100, sha256_hex("x"), archive(10)});
    EXPECT_EQ(blobs->staged_size(snapshot.id), 10U);
    report(snapshot.operation_id, "failed", {{"error", "admin_save_oar: disk full"}});
    const auto failed = service().get(snapshot.id);
    EXPECT_EQ(failed.state, "failed");
    EXPECT_EQ(failed.failure, "admin_save_oar: disk full");
    EXPECT_EQ(blobs->staged_size(snapshot.id), 0U);
    ASSERT_EQ(audit("snapshot.fail").size(), 1U);
    EXPECT_EQ(audit("snapshot.fail")[0].actor, std::string("simulator:") + kSimulator);
}

TEST_F(SnapshotServiceTest, ProgressIsTheSimulatorsOwnToReport) {
    const auto region = placed("Alpha");
    const auto snapshot = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    service().report_progress(simulator(), {snapshot.operation_id, 0.5, 50, 100, "uploading"});
    const auto progress = service().progress_of({snapshot.operation_id, 999});
    ASSERT_EQ(progress.size(), 1U);
    EXPECT_DOUBLE_EQ(progress.at(snapshot.operation_id).fraction, 0.5);
    EXPECT_EQ(progress.at(snapshot.operation_id).phase, "uploading");
    EXPECT_EQ(refusal([&] {
                  service().report_progress(simulator(kOtherSimulator),
                                            {snapshot.operation_id, 0.6, 60, 100, "uploading"});
              }).fault(),
              Fault::not_found);
    EXPECT_EQ(refusal([&] {
                  service().report_progress(simulator(),
                                            {snapshot.operation_id, 0.6, 60, 100, "dancing"});
              }).field(),
              "phase");
}

}  // namespace
}  // namespace vergegrid::control
