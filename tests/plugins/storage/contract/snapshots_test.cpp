// SnapshotLedger (plugin ABI 1.5), the snapshot records: every field round-trips, update and
// delete, the operation that saves one, newest-first keyset paging, filters, and the counts the
// snapshot store's garbage collection and the retention job page through.
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "snapshot_samples.hpp"
#include "storage_contract.hpp"

// Filters are written with C++20 designated initializers naming only the fields a test sets;
// g++ 12 would warn that the others are not named, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> ids_of(const std::vector<api::Snapshot>& snapshots) {
    std::vector<std::string> out;
    for (const auto& s : snapshots) {
        out.push_back(s.id);
    }
    return out;
}

// A snapshot still being saved: no size, no address, no operation yet, no follow-up.
api::Snapshot pending_snapshot(int n, const std::string& region_id, const std::string& at) {
    api::Snapshot s = sample_snapshot(n, region_id, at);
    s.state = "pending";
    s.size_bytes = 0;
    s.sha256 = "";
    s.followup = "";
    s.operation_id = 0;
    return s;
}

TEST_P(StorageContract, SnapshotsRoundTripEveryField) {
    const api::Snapshot complete =
        sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z", 1LL << 40);
    const api::Snapshot pending = pending_snapshot(2, uuid(100), "2026-09-01T10:00:01.000Z");
    // A second unqueued one: operation_id 0 is "none", never a value two snapshots collide on.
    const api::Snapshot pending_too = pending_snapshot(3, uuid(101), "2026-09-01T10:00:02.000Z");
    {
        auto tx = write();
        auto& ledger = snapshot_ledger(*tx);
        ledger.insert_snapshot(complete);
        ledger.insert_snapshot(pending);
        ledger.insert_snapshot(pending_too);
        // Visible to the transaction that wrote it.
        EXPECT_EQ(dump(ledger.find_snapshot(complete.id).value()), dump(complete));
        tx->commit();
    }
    auto tx = read();
    auto& ledger = snapshot_ledger(*tx);
    EXPECT_EQ(dump(ledger.find_snapshot(complete.id).value()), dump(complete));
    EXPECT_EQ(dump(ledger.find_snapshot(pending.id).value()), dump(pending));
    EXPECT_EQ(dump(ledger.find_snapshot(pending_too.id).value()), dump(pending_too));
    EXPECT_FALSE(ledger.find_snapshot(uuid(99)).has_value());
    EXPECT_FALSE(ledger.find_snapshot("").has_value());
}

TEST_P(StorageContract, SnapshotsUpdateEveryFieldAndDelete) {
    const api::Snapshot original = pending_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z");
    {
        auto tx = write();
        snapshot_ledger(*tx).insert_snapshot(original);
        tx->commit();
    }
    // Every field but the id changes.
    api::Snapshot changed;
    changed.id = original.id;
    changed.region_id = uuid(200);
    changed.region_name = "Renamed Ω";
    changed.region_version = {8, 0, 2};
    changed.region_spec = R"({"changed":true})";
    changed.lifecycle = "ephemeral";
    changed.simulator_id = "sim-other";
    changed.parts = R"(["terrain"])";
    changed.state = "failed";
    changed.size_bytes = 9'000'000'000LL;
    changed.sha256 = std::string(64, 'a');
    changed.reason = "before-restore";
    changed.note = "changed note";
    changed.failure = "the simulator went offline mid-save: «timeout»";
    changed.actor = "system:snapshot-schedule";
    changed.operation_id = 77;
    changed.followup = R"({"action":"restore","snapshot_id":"x"})";
    changed.created_at = "2026-09-02T00:00:00.000Z";
    changed.updated_at = "2026-09-03T00:00:00.000Z";
    {
        auto tx = write();
        snapshot_ledger(*tx).update_snapshot(changed);
        tx->commit();
    }
    EXPECT_EQ(dump(snapshot_ledger(*read()).find_snapshot(original.id).value()), dump(changed));

    // Back to unqueued and no follow-up (what a completed follow-up clears).
    changed.operation_id = 0;
    changed.followup = "";
    {
        auto tx = write();
        snapshot_ledger(*tx).update_snapshot(changed);
        tx->commit();
    }
    EXPECT_EQ(dump(snapshot_ledger(*read()).find_snapshot(original.id).value()), dump(changed));
    EXPECT_FALSE(snapshot_ledger(*read()).find_snapshot_by_operation(77).has_value());

    api::Snapshot missing = changed;
    missing.id = uuid(99);
    EXPECT_THROW(snapshot_ledger(*write()).update_snapshot(missing), api::StorageError);

    {
        auto tx = write();
        snapshot_ledger(*tx).delete_snapshot(original.id);
        snapshot_ledger(*tx).delete_snapshot(uuid(99));  // none: nothing to do, no error
        tx->commit();
    }
    EXPECT_FALSE(snapshot_ledger(*read()).find_snapshot(original.id).has_value());
}

TEST_P(StorageContract, ASnapshotIsFoundByTheOperationThatSavesIt) {
    {
        auto tx = write();
        auto& ledger = snapshot_ledger(*tx);
        ledger.insert_snapshot(sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z", 41));
        ledger.insert_snapshot(sample_snapshot(2, uuid(100), "2026-09-01T10:00:01.000Z", 42));
        ledger.insert_snapshot(pending_snapshot(3, uuid(100), "2026-09-01T10:00:02.000Z"));
        tx->commit();
    }
    {
        auto tx = read();
        auto& ledger = snapshot_ledger(*tx);
        EXPECT_EQ(ledger.find_snapshot_by_operation(42).value().id, uuid(2));
        EXPECT_EQ(dump(ledger.find_snapshot_by_operation(41).value()),
                  dump(sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z", 41)));
        EXPECT_FALSE(ledger.find_snapshot_by_operation(43).has_value());
        EXPECT_FALSE(ledger.find_snapshot_by_operation(0).has_value())
            << "0 means not queued: the unqueued snapshot is no operation's";
    }
    // One operation saves one snapshot.
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            snapshot_ledger(tx).insert_snapshot(
                sample_snapshot(4, uuid(101), "2026-09-01T10:00:03.000Z", 42));
        },
        "a second snapshot of operation 42");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            snapshot_ledger(tx).insert_snapshot(
                sample_snapshot(1, uuid(101), "2026-09-01T10:00:03.000Z"));
        },
        "a second snapshot with the same id");
}

TEST_P(StorageContract, SnapshotStatesAndReasonsAreChecked) {
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto s = sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z");
            s.state = "half-done";
            snapshot_ledger(tx).insert_snapshot(s);
        },
        "state 'half-done'");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto s = sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z");
            s.reason = "whim";
            snapshot_ledger(tx).insert_snapshot(s);
        },
        "reason 'whim'");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto s = sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z");
            s.size_bytes = -1;
            snapshot_ledger(tx).insert_snapshot(s);
        },
        "size_bytes -1");
    for (const char* reason :
         {"manual", "scheduled", "before-delete", "before-move", "before-restore"}) {
        for (const char* state : {"pending", "saving", "complete", "failed"}) {
            auto tx = write();
            auto s = sample_snapshot(1, uuid(100), "2026-09-01T10:00:00.000Z");
            s.reason = reason;
            s.state = state;
            EXPECT_NO_THROW(snapshot_ledger(*tx).insert_snapshot(s)) << reason << " " << state;
        }  // rolled back
    }
    EXPECT_THAT(snapshot_ledger(*read()).list_snapshots({}, "", "", 10), IsEmpty());
}

// Nine snapshots of three regions; several share a created_at, so only the id orders them.
class SnapshotListing {
  public:
    static constexpr const char* kT1 = "2026-09-01T10:00:00.000Z";
    static constexpr const char* kT2 = "2026-09-01T11:00:00.000Z";
    static constexpr const char* kT3 = "2026-09-01T12:00:00.000Z";

    static std::vector<api::Snapshot> rows() {
        const std::string a = uuid(100);
        const std::string b = uuid(101);
        const std::string c = uuid(102);
        auto with = [](api::Snapshot s, const std::string& state, const std::string& reason) {
            s.state = state;
            s.reason = reason;
            return s;
        };
        // Inserted out of order, so that the order comes from the query, not from the table.
        return {
            with(sample_snapshot(5, a, kT2), "complete", "manual"),
            with(sample_snapshot(1, b, kT1), "complete", "scheduled"),
            with(sample_snapshot(9, c, kT3), "failed", "before-delete"),
            with(sample_snapshot(3, a, kT2), "complete", "scheduled"),
            with(sample_snapshot(7, b, kT2), "pending", "manual"),
            with(sample_snapshot(2, a, kT1), "complete", "manual"),
            with(sample_snapshot(8, a, kT3), "complete", "before-restore"),
            with(sample_snapshot(4, b, kT2), "complete", "manual"),
            with(sample_snapshot(6, c, kT2), "complete", "scheduled"),
        };
    }
};

TEST_P(StorageContract, SnapshotsListNewestFirstAndPageByKeysetAcrossEqualTimes) {
    const auto rows = SnapshotListing::rows();
    {
        auto tx = write();
        for (const auto& s : rows) {
            snapshot_ledger(*tx).insert_snapshot(s);
        }
        tx->commit();
    }
    auto tx = read();
    auto& ledger = snapshot_ledger(*tx);
    // created_at descending, then id descending.
    const std::vector<std::string> newest_first{uuid(9), uuid(8), uuid(7), uuid(6), uuid(5),
                                                uuid(4), uuid(3), uuid(2), uuid(1)};
    const auto all = ledger.list_snapshots({}, "", "", 100);
    EXPECT_EQ(ids_of(all), newest_first);
    for (const auto& s : all) {
        for (const auto& inserted : rows) {
            if (inserted.id == s.id) {
                EXPECT_EQ(dump(s), dump(inserted));
            }
        }
    }

    // Pages of 1, 2 and 4, each cursor the previous page's last row: every row exactly once, in
    // order, although pages end in the middle of rows sharing a created_at.
    for (const int size : {1, 2, 4}) {
        std::vector<std::string> paged;
        std::string before_at;
        std::string before_id;
        for (int page = 0; page < 20; ++page) {
            const auto rows_of_page = ledger.list_snapshots({}, before_at, before_id, size);
            EXPECT_LE(static_cast<int>(rows_of_page.size()), size);
            if (rows_of_page.empty()) {
                break;
            }
            for (const auto& s : rows_of_page) {
                paged.push_back(s.id);
            }
            before_at = rows_of_page.back().created_at;
            before_id = rows_of_page.back().id;
        }
        EXPECT_EQ(paged, newest_first) << "pages of " << size;
    }
    EXPECT_THAT(ids_of(ledger.list_snapshots({}, SnapshotListing::kT2, uuid(6), 3)),
                ElementsAre(uuid(5), uuid(4), uuid(3)));
    EXPECT_THAT(ids_of(ledger.list_snapshots({}, SnapshotListing::kT2, uuid(3), 10)),
                ElementsAre(uuid(2), uuid(1)))
        << "strictly older: the cursor row itself is not repeated";
    EXPECT_THAT(ledger.list_snapshots({}, SnapshotListing::kT1, uuid(1), 10), IsEmpty());
    EXPECT_THAT(ledger.list_snapshots({}, "", "", 0), IsEmpty());
}

TEST_P(StorageContract, SnapshotsFilterByRegionStateAndReason) {
    {
        auto tx = write();
        for (const auto& s : SnapshotListing::rows()) {
            snapshot_ledger(*tx).insert_snapshot(s);
        }
        tx->commit();
    }
    auto tx = read();
    auto& ledger = snapshot_ledger(*tx);
    EXPECT_THAT(ids_of(ledger.list_snapshots({.region_id = uuid(100)}, "", "", 100)),
                ElementsAre(uuid(8), uuid(5), uuid(3), uuid(2)));
    EXPECT_THAT(ids_of(ledger.list_snapshots({.state = "complete"}, "", "", 100)),
                ElementsAre(uuid(8), uuid(6), uuid(5), uuid(4), uuid(3), uuid(2), uuid(1)));
    EXPECT_THAT(ids_of(ledger.list_snapshots({.reason = "scheduled"}, "", "", 100)),
                ElementsAre(uuid(6), uuid(3), uuid(1)));
    EXPECT_THAT(
        ids_of(ledger.list_snapshots(
            {.region_id = uuid(101), .state = "complete", .reason = "manual"}, "", "", 100)),
        ElementsAre(uuid(4)));
    EXPECT_THAT(ids_of(ledger.list_snapshots({.state = "failed"}, "", "", 100)),
                ElementsAre(uuid(9)));
    EXPECT_THAT(ledger.list_snapshots({.region_id = uuid(999)}, "", "", 100), IsEmpty());
    // Filter and cursor together: region a's rows older than snapshot 5.
    EXPECT_THAT(
        ids_of(ledger.list_snapshots({.region_id = uuid(100)}, SnapshotListing::kT2, uuid(5), 1)),
        ElementsAre(uuid(3)));
}

TEST_P(StorageContract, SnapshotsAreCountedByArchiveAndTheirRegionsListedInPages) {
    const std::string shared(64, 'c');
    const std::string alone(64, 'd');
    {
        auto tx = write();
        auto& ledger = snapshot_ledger(*tx);
        EXPECT_EQ(ledger.count_snapshots_with_sha256(shared), 0);
        EXPECT_THAT(ledger.list_snapshot_region_ids("", 10), IsEmpty());
        int n = 1;
        for (const auto& [region, sha] : std::vector<std::pair<int, std::string>>{
                 {103, shared}, {101, shared}, {103, alone}, {100, shared}, {102, ""}}) {
            auto s = sample_snapshot(n++, uuid(region), "2026-09-01T10:00:00.000Z");
            s.sha256 = sha;
            ledger.insert_snapshot(s);
        }
        tx->commit();
    }
    auto tx = read();
    auto& ledger = snapshot_ledger(*tx);
    EXPECT_EQ(ledger.count_snapshots_with_sha256(shared), 3);
    EXPECT_EQ(ledger.count_snapshots_with_sha256(alone), 1);
    EXPECT_EQ(ledger.count_snapshots_with_sha256(std::string(64, 'e')), 0);

    // Every region with a snapshot once, ascending, in pages after the last id seen.
    EXPECT_THAT(ledger.list_snapshot_region_ids("", 10),
                ElementsAre(uuid(100), uuid(101), uuid(102), uuid(103)));
    EXPECT_THAT(ledger.list_snapshot_region_ids("", 2), ElementsAre(uuid(100), uuid(101)));
    EXPECT_THAT(ledger.list_snapshot_region_ids(uuid(101), 2), ElementsAre(uuid(102), uuid(103)));
    EXPECT_THAT(ledger.list_snapshot_region_ids(uuid(103), 2), IsEmpty());
    EXPECT_THAT(ledger.list_snapshot_region_ids("", 0), IsEmpty());
}

}  // namespace
}  // namespace vergegrid::test::storage
