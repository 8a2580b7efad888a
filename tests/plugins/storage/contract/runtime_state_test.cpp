// SnapshotLedger (plugin ABI 1.5), the rest of a region's runtime state: its state policy (a
// supplement deleted with the region), the progress of long operations, what outlives a region,
// and a rolled-back transaction leaving nothing behind.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <string>
#include <vector>

#include "snapshot_samples.hpp"
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> regions_of(const std::vector<api::RegionStatePolicy>& policies) {
    std::vector<std::string> out;
    for (const auto& p : policies) {
        out.push_back(p.region_id);
    }
    return out;
}

// A region to hang a policy on: uuid(n), on its own port so that several fit.
api::Region region_n(int n, const std::string& estate_id) {
    return sample_region(n, "region-" + std::to_string(n), estate_id, n * 10, 0, "sim-host",
                         9000 + n);
}

int rows_in(soci::session& sql, const std::string& query, long long key) {
    int rows = -1;
    sql << query, soci::use(key, "key"), soci::into(rows);
    return rows;
}

TEST_P(StorageContract, RegionStatePoliciesArePutReplacedDeletedAndListedByLifecycle) {
    const auto estate = seed_estate(1, "Estate");
    {
        auto tx = write();
        for (int n : {14, 11, 13, 12, 15}) {
            tx->insert_region(region_n(n, estate.id));
        }
        auto& ledger = snapshot_ledger(*tx);
        EXPECT_FALSE(ledger.find_region_state_policy(uuid(11)).has_value());
        ledger.put_region_state_policy(sample_policy(uuid(14), "premium"));
        ledger.put_region_state_policy(sample_policy(uuid(11), "premium"));
        ledger.put_region_state_policy(sample_policy(uuid(13), "ephemeral"));
        ledger.put_region_state_policy(sample_policy(uuid(12), "premium"));
        ledger.put_region_state_policy(sample_policy(uuid(15), "persistent"));
        tx->commit();
    }
    {
        auto tx = read();
        auto& ledger = snapshot_ledger(*tx);
        EXPECT_EQ(dump(ledger.find_region_state_policy(uuid(11)).value()),
                  dump(sample_policy(uuid(11), "premium")));
        EXPECT_FALSE(ledger.find_region_state_policy(uuid(16)).has_value());
        EXPECT_THAT(regions_of(ledger.list_region_state_policies("premium", "", 10)),
                    ElementsAre(uuid(11), uuid(12), uuid(14)));
        EXPECT_THAT(regions_of(ledger.list_region_state_policies("premium", "", 2)),
                    ElementsAre(uuid(11), uuid(12)));
        EXPECT_THAT(regions_of(ledger.list_region_state_policies("premium", uuid(12), 2)),
                    ElementsAre(uuid(14)));
        EXPECT_THAT(ledger.list_region_state_policies("premium", uuid(14), 2), IsEmpty());
        EXPECT_THAT(regions_of(ledger.list_region_state_policies("ephemeral", "", 10)),
                    ElementsAre(uuid(13)));
        EXPECT_THAT(ledger.list_region_state_policies("premium", "", 0), IsEmpty());
        const auto listed = ledger.list_region_state_policies("persistent", "", 10);
        ASSERT_EQ(listed.size(), 1U);
        EXPECT_EQ(dump(listed[0]), dump(sample_policy(uuid(15), "persistent")));
    }
    // Put again replaces (lifecycle and parts); delete removes; deleting nothing is no error.
    api::RegionStatePolicy replaced{uuid(11), "ephemeral", R"({"prims":false})"};
    {
        auto tx = write();
        auto& ledger = snapshot_ledger(*tx);
        ledger.put_region_state_policy(replaced);
        ledger.delete_region_state_policy(uuid(12));
        ledger.delete_region_state_policy(uuid(16));
        tx->commit();
    }
    auto tx = read();
    auto& ledger = snapshot_ledger(*tx);
    EXPECT_EQ(dump(ledger.find_region_state_policy(uuid(11)).value()), dump(replaced));
    EXPECT_FALSE(ledger.find_region_state_policy(uuid(12)).has_value());
    EXPECT_THAT(regions_of(ledger.list_region_state_policies("premium", "", 10)),
                ElementsAre(uuid(14)));
    EXPECT_THAT(regions_of(ledger.list_region_state_policies("ephemeral", "", 10)),
                ElementsAre(uuid(11), uuid(13)));
}

TEST_P(StorageContract, ARegionStatePolicyNeedsItsRegionAndAKnownLifecycle) {
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            snapshot_ledger(tx).put_region_state_policy(sample_policy(uuid(11), "persistent"));
        },
        "a policy of a region that does not exist");
    const auto estate = seed_estate(1, "Estate");
    {
        auto tx = write();
        tx->insert_region(region_n(11, estate.id));
        tx->commit();
    }
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            snapshot_ledger(tx).put_region_state_policy(sample_policy(uuid(11), "immortal"));
        },
        "lifecycle 'immortal'");
    EXPECT_FALSE(snapshot_ledger(*read()).find_region_state_policy(uuid(11)).has_value());
}

TEST_P(StorageContract, ADeletedRegionTakesItsPolicyButLeavesItsSnapshots) {
    const auto estate = seed_estate(1, "Estate");
    const auto region = region_n(11, estate.id);
    const auto snapshot = sample_snapshot(2, region.uuid, "2026-09-01T10:00:00.000Z", 5);
    {
        auto tx = write();
        tx->insert_region(region);
        snapshot_ledger(*tx).put_region_state_policy(sample_policy(region.uuid, "premium"));
        snapshot_ledger(*tx).insert_snapshot(snapshot);
        tx->commit();
    }
    {
        auto tx = write();
        tx->delete_region(region.uuid);
        tx->commit();
    }
    auto tx = read();
    auto& ledger = snapshot_ledger(*tx);
    EXPECT_FALSE(ledger.find_region_state_policy(region.uuid).has_value());
    EXPECT_THAT(ledger.list_region_state_policies("premium", "", 10), IsEmpty());
    EXPECT_EQ(dump(ledger.find_snapshot(snapshot.id).value()), dump(snapshot))
        << "a snapshot outlives its region";
    EXPECT_THAT(ledger.list_snapshot_region_ids("", 10), ElementsAre(region.uuid));

    // A new region of the same id (restored from the snapshot) starts without a policy.
    auto again = write();
    again->insert_region(region);
    EXPECT_FALSE(snapshot_ledger(*again).find_region_state_policy(region.uuid).has_value());
}

TEST_P(StorageContract, OperationProgressIsPutReplacedAndFound) {
    std::int64_t id = 0;
    std::int64_t other = 0;
    {
        auto tx = write();
        id = operation_store(*tx).insert_operation(sample_operation(uuid(1), uuid(2)));
        other = operation_store(*tx).insert_operation(sample_operation(uuid(1), uuid(3)));
        EXPECT_FALSE(snapshot_ledger(*tx).find_operation_progress(id).has_value());
        snapshot_ledger(*tx).put_operation_progress(sample_progress(id));
        tx->commit();
    }
    EXPECT_EQ(dump(snapshot_ledger(*read()).find_operation_progress(id).value()),
              dump(sample_progress(id)));
    EXPECT_FALSE(snapshot_ledger(*read()).find_operation_progress(other).has_value());

    const api::OperationProgress done{
        id, 1.0, 10'737'418'240LL, 10'737'418'240LL, "loading", "2026-09-02T03:04:06.000Z"};
    const api::OperationProgress started{other, 0.0, 0, 0, "saving", "2026-09-02T03:04:07.000Z"};
    {
        auto tx = write();
        snapshot_ledger(*tx).put_operation_progress(done);
        snapshot_ledger(*tx).put_operation_progress(started);
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(dump(snapshot_ledger(*tx).find_operation_progress(id).value()), dump(done));
    EXPECT_EQ(dump(snapshot_ledger(*tx).find_operation_progress(other).value()), dump(started));
    EXPECT_FALSE(snapshot_ledger(*tx).find_operation_progress(other + 1000).has_value());
}

TEST_P(StorageContract, ProgressNeedsItsOperationAndGoesWithIt) {
    expect_storage_conflict(
        write(),
        [](auto& tx) { snapshot_ledger(tx).put_operation_progress(sample_progress(12345)); },
        "progress of an operation that does not exist");
    std::int64_t id = 0;
    {
        auto tx = write();
        id = operation_store(*tx).insert_operation(sample_operation(uuid(1), uuid(2)));
        snapshot_ledger(*tx).put_operation_progress(sample_progress(id));
        tx->commit();
    }
    // The storage contract never deletes an operation (the queue is a log); should an operator
    // prune the table by hand, the progress rows go with it (ON DELETE CASCADE). Underneath the
    // contract, on the test's own connection.
    auto sql = harness_->direct();
    if (GetParam() == "sqlite") {
        *sql << "PRAGMA foreign_keys = ON";  // per connection in SQLite
    }
    const long long key = id;
    EXPECT_EQ(
        rows_in(*sql, "SELECT COUNT(*) FROM operation_progress WHERE operation_id = :key", key), 1);
    *sql << "DELETE FROM operations WHERE id = :key", soci::use(key, "key");
    EXPECT_EQ(
        rows_in(*sql, "SELECT COUNT(*) FROM operation_progress WHERE operation_id = :key", key), 0);
    EXPECT_FALSE(snapshot_ledger(*read()).find_operation_progress(id).has_value());
}

TEST_P(StorageContract, ARolledBackTransactionLeavesNoRuntimeState) {
    const auto estate = seed_estate(1, "Estate");
    const auto region = region_n(11, estate.id);
    std::int64_t id = 0;
    {
        auto tx = write();
        tx->insert_region(region);
        id = operation_store(*tx).insert_operation(sample_operation(uuid(1), region.uuid));
        auto& ledger = snapshot_ledger(*tx);
        ledger.put_region_state_policy(sample_policy(region.uuid, "premium"));
        ledger.put_operation_progress(sample_progress(id));
        ledger.insert_snapshot(sample_snapshot(2, region.uuid, "2026-09-01T10:00:00.000Z", id));
        EXPECT_TRUE(ledger.find_snapshot_by_operation(id).has_value());
    }  // rolled back
    {
        auto tx = read();
        auto& ledger = snapshot_ledger(*tx);
        EXPECT_FALSE(tx->find_region(region.uuid).has_value());
        EXPECT_FALSE(ledger.find_region_state_policy(region.uuid).has_value());
        EXPECT_FALSE(ledger.find_operation_progress(id).has_value());
        EXPECT_FALSE(ledger.find_snapshot(uuid(2)).has_value());
        EXPECT_THAT(ledger.list_snapshots({}, "", "", 10), IsEmpty());
        EXPECT_THAT(ledger.list_snapshot_region_ids("", 10), IsEmpty());
    }
    // A change to a committed snapshot rolls back too.
    {
        auto tx = write();
        snapshot_ledger(*tx).insert_snapshot(
            sample_snapshot(3, region.uuid, "2026-09-01T10:00:00.000Z"));
        tx->commit();
    }
    {
        auto tx = write();
        auto changed = snapshot_ledger(*tx).find_snapshot(uuid(3)).value();
        changed.state = "failed";
        snapshot_ledger(*tx).update_snapshot(changed);
        snapshot_ledger(*tx).delete_snapshot(uuid(3));
    }
    EXPECT_EQ(dump(snapshot_ledger(*read()).find_snapshot(uuid(3)).value()),
              dump(sample_snapshot(3, region.uuid, "2026-09-01T10:00:00.000Z")));
}

}  // namespace
}  // namespace vergegrid::test::storage
