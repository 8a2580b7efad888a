// The background jobs: retention per lifecycle, the premium schedule (one save at a time per
// simulator) and saves that never end; each change audited under the job's system actor.
#include <gtest/gtest.h>

#include "control/common/clock.hpp"
#include "tests/control/snapshots/snapshot_fixture.hpp"

namespace vergegrid::control {
namespace {

class SnapshotJobsTest : public SnapshotFixture {
  protected:
    // A complete snapshot that claims to be `age_s` seconds older than `now`.
    plugin_api::Snapshot aged(const plugin_api::Region& region, long age_s,
                              const std::string& state = "complete",
                              const std::string& now = now_iso8601()) {
        const auto snapshot = service().take(actor(), {region.uuid, std::nullopt, ""}).value;
        if (state == "complete") {
            // Every archive its own bytes: no two records share a blob.
            upload_all(snapshot.id, archive(200 + ++made_, 'a'));
        }
        return store().write([&](plugin_api::StorageTransaction& tx) {
            auto& ledger = snapshot_ledger(tx);
            auto record = *ledger.find_snapshot(snapshot.id);
            record.created_at = record.updated_at = iso8601_plus_seconds(now, -age_s);
            if (state == "failed") {
                record.state = "failed";
                record.failure = "test";
            }
            ledger.update_snapshot(record);
            return record;
        });
    }

    int made_ = 0;
    // Retention keeps one snapshot per UTC day, so its tests age snapshots from midday UTC of
    // today: a snapshot a day and a minute old then falls on the day before the ones a few
    // minutes old at any hour the suite runs. Aged from 00:01, it fell on their day.
    const std::string midday_ = now_iso8601().substr(0, 10) + "T12:00:00.000Z";

    std::set<std::string> ids(const std::vector<plugin_api::Snapshot>& snapshots) {
        std::set<std::string> found;
        for (const auto& s : snapshots) {
            found.insert(s.id);
        }
        return found;
    }
};

TEST_F(SnapshotJobsTest, RetentionKeepsTheLastAndOnePerDayAndDropsOldFailures) {
    settings.persistent = {2, 3};
    const auto region = placed("Alpha");
    const auto newest = aged(region, 60, "complete", midday_);
    const auto second = aged(region, 120, "complete", midday_);
    const auto same_day_as_second = aged(region, 180, "complete", midday_);
    const auto yesterday = aged(region, 86'400 + 60, "complete", midday_);
    const auto long_ago = aged(region, 10 * 86'400, "complete", midday_);
    const auto old_failure = aged(region, 2 * 86'400, "failed", midday_);
    const auto new_failure = aged(region, 60, "failed", midday_);
    const int expired = service().expire(midday_);
    const auto kept = ids(snapshots_of(region.uuid));
    EXPECT_TRUE(kept.count(newest.id));
    EXPECT_TRUE(kept.count(second.id));
    EXPECT_TRUE(kept.count(yesterday.id));
    EXPECT_FALSE(kept.count(long_ago.id));
    EXPECT_FALSE(kept.count(old_failure.id));
    EXPECT_TRUE(kept.count(new_failure.id));
    EXPECT_FALSE(kept.count(same_day_as_second.id));
    EXPECT_EQ(expired, 3);
    const auto rows = audit("snapshot.expire");
    ASSERT_EQ(static_cast<int>(rows.size()), expired);
    EXPECT_EQ(rows[0].actor, kSnapshotRetentionActor);
    EXPECT_FALSE(blobs->contains(long_ago.sha256));
}

TEST_F(SnapshotJobsTest, RetentionNeverDeletesTheNewestSnapshotOfADeletedRegion) {
    settings.persistent = {0, 0};
    const auto region = placed("Alpha");
    const auto older = aged(region, 20 * 86'400, "complete", midday_);
    const auto newest = aged(region, 10 * 86'400, "complete", midday_);
    regions.remove(actor(), {region.uuid, std::nullopt});
    service().expire(midday_);
    const auto kept = ids(snapshots_of(region.uuid));
    EXPECT_EQ(kept, std::set<std::string>{newest.id});
    EXPECT_TRUE(blobs->contains(newest.sha256));
    (void)older;
}

TEST_F(SnapshotJobsTest, TheScheduleSavesPremiumRegionsOneAtATimePerSimulator) {
    settings.schedule_interval = std::chrono::seconds(3600);
    const auto alpha = placed("Alpha", 1000);
    const auto beta = placed("Beta", 1002);
    const auto plain = placed("Gamma", 1004);
    set_policy(alpha.uuid, "premium");
    set_policy(beta.uuid, "premium");
    EXPECT_EQ(service().schedule(now_iso8601()), 1);  // one simulator: one save at a time
    EXPECT_EQ(service().schedule(now_iso8601()), 0);  // still saving
    const auto in_flight = service().list({{"", "pending", "scheduled"}, "", 10});
    ASSERT_EQ(in_flight.size(), 1U);
    EXPECT_EQ(in_flight[0].actor, kSnapshotScheduleActor);
    upload_all(in_flight[0].id, archive(100));
    EXPECT_EQ(service().schedule(now_iso8601()), 1);  // the other premium region
    upload_all(service().list({{"", "pending", "scheduled"}, "", 10})[0].id, archive(100));
    EXPECT_EQ(service().schedule(now_iso8601()), 0);  // both saved within the interval
    EXPECT_TRUE(snapshots_of(plain.uuid).empty());
}

TEST_F(SnapshotJobsTest, SavesPastTheTimeoutOrOnAnOfflineSimulatorFail) {
    settings.save_timeout = std::chrono::seconds(600);
    const auto alpha = placed("Alpha", 1000);
    const auto stale = aged(alpha, 3600, "pending");
    const auto fresh = service().take(actor(), {alpha.uuid, std::nullopt, ""}).value;
    service().upload(simulator(), {fresh.id, 0, 9, 100, sha256_hex("x"), archive(10)});
    EXPECT_EQ(service().fail_stalled(now_iso8601()), 1);
    EXPECT_EQ(service().get(stale.id).state, "failed");
    EXPECT_NE(service().get(stale.id).failure.find("save_timeout_s"), std::string::npos);
    EXPECT_EQ(service().get(fresh.id).state, "saving");

    store().write([](plugin_api::StorageTransaction& tx) {
        auto simulator = *access_store(tx).find_simulator(kSimulator);
        simulator.state = "offline";
        access_store(tx).update_simulator(simulator);
    });
    EXPECT_EQ(service().fail_stalled(now_iso8601()), 1);
    const auto failed = service().get(fresh.id);
    EXPECT_EQ(failed.state, "failed");
    EXPECT_EQ(failed.failure, "the simulator went offline before the archive was whole");
    EXPECT_EQ(blobs->staged_size(fresh.id), 0U);  // no partial blob left
    EXPECT_EQ(audit("snapshot.fail")[0].actor, kSnapshotWatchActor);
}

}  // namespace
}  // namespace vergegrid::control
