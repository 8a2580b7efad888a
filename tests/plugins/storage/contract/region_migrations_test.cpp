// MigrationLedger (plugin ABI 1.6), the records of region moves and their batches: every field
// round-trips, update, the operation a move waits for, newest-first keyset paging with every
// filter, the active moves oldest first, batches, and a move's record outliving its region.
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "migration_samples.hpp"
#include "storage_contract.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"

// Filters are written with C++20 designated initializers naming only the fields a test sets;
// g++ 12 would warn that the others are not named, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Record>
std::vector<std::string> ids_of(const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) {
        out.push_back(r.id);
    }
    return out;
}

constexpr long long kBigOperation = 5'000'000'123LL;  // beyond 32 bits

TEST_P(StorageContract, MigrationsRoundTripEveryField) {
    const api::Migration waiting =
        sample_migration(1, uuid(100), "2026-09-01T10:00:00.000Z", kBigOperation, uuid(50));
    // Two waiting for no operation: operation_id 0 is "none", never a value two moves collide on.
    const api::Migration idle = sample_migration(2, uuid(101), "2026-09-01T10:00:01.000Z");
    api::Migration idle_too = sample_migration(3, uuid(102), "2026-09-01T10:00:02.000Z");
    idle_too.state = "failed";
    idle_too.error = "load_final failed on sim-b: «the archive is corrupt»";
    {
        auto tx = write();
        auto& ledger = migration_ledger(*tx);
        ledger.insert_migration(waiting);
        ledger.insert_migration(idle);
        ledger.insert_migration(idle_too);
        // Visible to the transaction that wrote it.
        EXPECT_EQ(dump(ledger.find_migration(waiting.id).value()), dump(waiting));
        tx->commit();
    }
    auto tx = read();
    auto& ledger = migration_ledger(*tx);
    EXPECT_EQ(dump(ledger.find_migration(waiting.id).value()), dump(waiting));
    EXPECT_EQ(dump(ledger.find_migration(idle.id).value()), dump(idle));
    EXPECT_EQ(dump(ledger.find_migration(idle_too.id).value()), dump(idle_too));
    EXPECT_FALSE(ledger.find_migration(uuid(99)).has_value());
    EXPECT_FALSE(ledger.find_migration("").has_value());
}

TEST_P(StorageContract, MigrationsUpdateEveryField) {
    const api::Migration original = sample_migration(1, uuid(100), "2026-09-01T10:00:00.000Z");
    {
        auto tx = write();
        migration_ledger(*tx).insert_migration(original);
        tx->commit();
    }
    // Every field but the id changes.
    api::Migration changed;
    changed.id = original.id;
    changed.batch_id = uuid(60);
    changed.region_id = uuid(200);
    changed.region_name = "Renamed Ω";
    changed.source_simulator_id = "sim-c";
    changed.target_simulator_id = "sim-d";
    changed.target_host = "10.0.0.7";
    changed.target_port = 65535;
    changed.strategy = "custom-rsync";
    changed.options = R"({"evacuate":true})";
    changed.state = "rolling_back";
    changed.plan = R"(["create_target","switch_over","teardown_source"])";
    changed.step = "create_target";
    changed.operation_id = kBigOperation;
    changed.detail = R"({"loss_window_s":42,"target_created":true})";
    changed.error = "create_target failed on sim-d: port 65535 taken";
    changed.actor = "system:drain";
    changed.created_at = "2026-09-02T00:00:00.000Z";
    changed.updated_at = "2026-09-03T00:00:00.000Z";
    {
        auto tx = write();
        migration_ledger(*tx).update_migration(changed);
        tx->commit();
    }
    EXPECT_EQ(dump(migration_ledger(*read()).find_migration(original.id).value()), dump(changed));
    EXPECT_EQ(migration_ledger(*read()).find_migration_by_operation(kBigOperation).value().id,
              original.id);

    // Done: waiting for nothing, no step.
    changed.operation_id = 0;
    changed.step = "";
    changed.state = "failed";
    {
        auto tx = write();
        migration_ledger(*tx).update_migration(changed);
        tx->commit();
    }
    EXPECT_EQ(dump(migration_ledger(*read()).find_migration(original.id).value()), dump(changed));
    EXPECT_FALSE(migration_ledger(*read()).find_migration_by_operation(kBigOperation).has_value());

    api::Migration missing = changed;
    missing.id = uuid(99);
    EXPECT_THROW(migration_ledger(*write()).update_migration(missing), api::StorageError);
}

TEST_P(StorageContract, AMigrationIsFoundByTheOperationItWaitsFor) {
    {
        auto tx = write();
        auto& ledger = migration_ledger(*tx);
        ledger.insert_migration(sample_migration(1, uuid(100), "2026-09-01T10:00:00.000Z", 41));
        ledger.insert_migration(sample_migration(2, uuid(101), "2026-09-01T10:00:01.000Z", 42));
        ledger.insert_migration(sample_migration(3, uuid(102), "2026-09-01T10:00:02.000Z"));
        tx->commit();
    }
    {
        auto tx = read();
        auto& ledger = migration_ledger(*tx);
        EXPECT_EQ(ledger.find_migration_by_operation(42).value().id, uuid(2));
        EXPECT_EQ(dump(ledger.find_migration_by_operation(41).value()),
                  dump(sample_migration(1, uuid(100), "2026-09-01T10:00:00.000Z", 41)));
        EXPECT_FALSE(ledger.find_migration_by_operation(43).has_value());
        EXPECT_FALSE(ledger.find_migration_by_operation(0).has_value())
            << "0 means waiting for nothing: the idle move is no operation's";
    }
    // One operation is one step of one move.
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            migration_ledger(tx).insert_migration(
                sample_migration(4, uuid(103), "2026-09-01T10:00:03.000Z", 42));
        },
        "a second move waiting for operation 42");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            migration_ledger(tx).insert_migration(
                sample_migration(1, uuid(103), "2026-09-01T10:00:03.000Z"));
        },
        "a second move with the same id");
}

TEST_P(StorageContract, MigrationAndBatchStatesAreChecked) {
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto m = sample_migration(1, uuid(100), "2026-09-01T10:00:00.000Z");
            m.state = "half-moved";
            migration_ledger(tx).insert_migration(m);
        },
        "migration state 'half-moved'");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto m = sample_migration(1, uuid(100), "2026-09-01T10:00:00.000Z");
            m.target_port = 70000;
            migration_ledger(tx).insert_migration(m);
        },
        "target_port 70000");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto b = sample_batch(1, "sim-a", "2026-09-01T10:00:00.000Z");
            b.kind = "shuffle";
            migration_ledger(tx).insert_migration_batch(b);
        },
        "batch kind 'shuffle'");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto b = sample_batch(1, "sim-a", "2026-09-01T10:00:00.000Z");
            b.state = "queued";
            migration_ledger(tx).insert_migration_batch(b);
        },
        "batch state 'queued'");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto b = sample_batch(1, "sim-a", "2026-09-01T10:00:00.000Z");
            b.max_parallel = 0;
            migration_ledger(tx).insert_migration_batch(b);
        },
        "max_parallel 0");
    {
        auto tx = write();
        int n = 1;
        for (const char* state :
             {"queued", "running", "rolling_back", "succeeded", "failed", "cancelled"}) {
            auto m = sample_migration(n++, uuid(100), "2026-09-01T10:00:00.000Z");
            m.state = state;
            EXPECT_NO_THROW(migration_ledger(*tx).insert_migration(m)) << state;
        }
        for (const char* kind : {"drain", "evacuate", "rebalance"}) {
            for (const char* state : {"running", "finished", "cancelled"}) {
                auto b = sample_batch(n++, "sim-a", "2026-09-01T10:00:00.000Z");
                b.kind = kind;
                b.state = state;
                EXPECT_NO_THROW(migration_ledger(*tx).insert_migration_batch(b))
                    << kind << " " << state;
            }
        }
    }  // rolled back
    EXPECT_THAT(migration_ledger(*read()).list_migrations({}, "", "", 10), IsEmpty());
    EXPECT_THAT(migration_ledger(*read()).list_migration_batches("", 10), IsEmpty());
}

// Nine moves of three regions between three simulators, two batches; several share a created_at,
// so only the id orders them.
class MigrationListing {
  public:
    static constexpr const char* kT1 = "2026-09-01T10:00:00.000Z";
    static constexpr const char* kT2 = "2026-09-01T11:00:00.000Z";
    static constexpr const char* kT3 = "2026-09-01T12:00:00.000Z";

    static std::vector<api::Migration> rows() {
        const std::string a = uuid(100);
        const std::string b = uuid(101);
        const std::string c = uuid(102);
        const std::string drain = uuid(50);
        const std::string rebalance = uuid(51);
        auto with = [](api::Migration m, const std::string& state, const std::string& from,
                       const std::string& to) {
            m.state = state;
            m.source_simulator_id = from;
            m.target_simulator_id = to;
            return m;
        };
        // Inserted out of order, so that the order comes from the query, not from the table.
        return {
            with(sample_migration(5, a, kT2, 0, drain), "succeeded", "sim-x", "sim-y"),
            with(sample_migration(1, b, kT1), "failed", "sim-y", "sim-z"),
            with(sample_migration(9, c, kT3, 0, rebalance), "running", "sim-z", "sim-x"),
            with(sample_migration(3, a, kT2, 0, drain), "cancelled", "sim-x", "sim-z"),
            with(sample_migration(7, b, kT2, 0, drain), "queued", "sim-x", "sim-y"),
            with(sample_migration(2, a, kT1), "succeeded", "sim-y", "sim-x"),
            with(sample_migration(8, a, kT3, 0, rebalance), "rolling_back", "sim-y", "sim-z"),
            with(sample_migration(4, b, kT2, 0, drain), "running", "sim-x", "sim-z"),
            with(sample_migration(6, c, kT2), "succeeded", "sim-z", "sim-y"),
        };
    }

    static void insert(api::StorageTransaction& tx) {
        for (const auto& m : rows()) {
            migration_ledger(tx).insert_migration(m);
        }
    }
};

TEST_P(StorageContract, MigrationsListNewestFirstAndPageByKeysetAcrossEqualTimes) {
    {
        auto tx = write();
        MigrationListing::insert(*tx);
        tx->commit();
    }
    auto tx = read();
    auto& ledger = migration_ledger(*tx);
    // created_at descending, then id descending.
    const std::vector<std::string> newest_first{uuid(9), uuid(8), uuid(7), uuid(6), uuid(5),
                                                uuid(4), uuid(3), uuid(2), uuid(1)};
    const auto all = ledger.list_migrations({}, "", "", 100);
    EXPECT_EQ(ids_of(all), newest_first);
    for (const auto& m : all) {
        for (const auto& inserted : MigrationListing::rows()) {
            if (inserted.id == m.id) {
                EXPECT_EQ(dump(m), dump(inserted));
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
            const auto rows_of_page = ledger.list_migrations({}, before_at, before_id, size);
            EXPECT_LE(static_cast<int>(rows_of_page.size()), size);
            if (rows_of_page.empty()) {
                break;
            }
            for (const auto& m : rows_of_page) {
                paged.push_back(m.id);
            }
            before_at = rows_of_page.back().created_at;
            before_id = rows_of_page.back().id;
        }
        EXPECT_EQ(paged, newest_first) << "pages of " << size;
    }
    EXPECT_THAT(ids_of(ledger.list_migrations({}, MigrationListing::kT2, uuid(3), 10)),
                ElementsAre(uuid(2), uuid(1)))
        << "strictly older: the cursor row itself is not repeated";
    EXPECT_THAT(ledger.list_migrations({}, MigrationListing::kT1, uuid(1), 10), IsEmpty());
    EXPECT_THAT(ledger.list_migrations({}, "", "", 0), IsEmpty());
}

TEST_P(StorageContract, MigrationsFilterByRegionBatchStateAndEitherSimulator) {
    {
        auto tx = write();
        MigrationListing::insert(*tx);
        tx->commit();
    }
    auto tx = read();
    auto& ledger = migration_ledger(*tx);
    EXPECT_THAT(ids_of(ledger.list_migrations({.region_id = uuid(100)}, "", "", 100)),
                ElementsAre(uuid(8), uuid(5), uuid(3), uuid(2)));
    EXPECT_THAT(ids_of(ledger.list_migrations({.batch_id = uuid(50)}, "", "", 100)),
                ElementsAre(uuid(7), uuid(5), uuid(4), uuid(3)));
    EXPECT_THAT(ids_of(ledger.list_migrations({.state = "succeeded"}, "", "", 100)),
                ElementsAre(uuid(6), uuid(5), uuid(2)));
    // The source or the target.
    EXPECT_THAT(ids_of(ledger.list_migrations({.simulator_id = "sim-x"}, "", "", 100)),
                ElementsAre(uuid(9), uuid(7), uuid(5), uuid(4), uuid(3), uuid(2)));
    EXPECT_THAT(ids_of(ledger.list_migrations({.simulator_id = "sim-y"}, "", "", 100)),
                ElementsAre(uuid(8), uuid(7), uuid(6), uuid(5), uuid(2), uuid(1)));
    EXPECT_THAT(ids_of(ledger.list_migrations({.region_id = uuid(101),
                                               .batch_id = uuid(50),
                                               .state = "running",
                                               .simulator_id = "sim-z"},
                                              "", "", 100)),
                ElementsAre(uuid(4)));
    EXPECT_THAT(ledger.list_migrations({.region_id = uuid(999)}, "", "", 100), IsEmpty());
    EXPECT_THAT(ledger.list_migrations({.simulator_id = "sim-w"}, "", "", 100), IsEmpty());
    // Filter and cursor together: sim-x's moves older than move 5, one at a time.
    EXPECT_THAT(ids_of(ledger.list_migrations({.simulator_id = "sim-x"}, MigrationListing::kT2,
                                              uuid(5), 1)),
                ElementsAre(uuid(4)));
    EXPECT_THAT(
        ids_of(ledger.list_migrations({.batch_id = uuid(50)}, MigrationListing::kT2, uuid(4), 10)),
        ElementsAre(uuid(3)));
}

TEST_P(StorageContract, ActiveMigrationsAreListedOldestFirst) {
    EXPECT_THAT(migration_ledger(*read()).list_active_migrations(), IsEmpty());
    {
        auto tx = write();
        MigrationListing::insert(*tx);
        tx->commit();
    }
    // queued (7), running (4, 9) and rolling_back (8); by created_at, then id, ascending.
    const auto active = migration_ledger(*read()).list_active_migrations();
    EXPECT_THAT(ids_of(active), ElementsAre(uuid(4), uuid(7), uuid(8), uuid(9)));
    for (const auto& m : active) {
        for (const auto& inserted : MigrationListing::rows()) {
            if (inserted.id == m.id) {
                EXPECT_EQ(dump(m), dump(inserted));
            }
        }
    }
}

TEST_P(StorageContract, BatchesRoundTripUpdateAndListBySimulatorNewestFirst) {
    const auto drain = sample_batch(1, "sim-a", "2026-09-01T10:00:00.000Z");
    auto evacuation = sample_batch(2, "sim-b", "2026-09-01T11:00:00.000Z");
    evacuation.kind = "evacuate";
    const auto rebalance = sample_batch(3, "", "2026-09-01T11:00:00.000Z");
    const auto second_drain = sample_batch(4, "sim-a", "2026-09-01T12:00:00.000Z");
    {
        auto tx = write();
        auto& ledger = migration_ledger(*tx);
        for (const auto& b : {second_drain, evacuation, drain, rebalance}) {
            ledger.insert_migration_batch(b);
        }
        EXPECT_EQ(dump(ledger.find_migration_batch(drain.id).value()), dump(drain));
        tx->commit();
    }
    {
        auto tx = read();
        auto& ledger = migration_ledger(*tx);
        EXPECT_EQ(dump(ledger.find_migration_batch(drain.id).value()), dump(drain));
        EXPECT_EQ(dump(ledger.find_migration_batch(rebalance.id).value()), dump(rebalance));
        EXPECT_FALSE(ledger.find_migration_batch(uuid(99)).has_value());
        // Newest first, ties by id descending; "" = every batch.
        EXPECT_THAT(ids_of(ledger.list_migration_batches("", 10)),
                    ElementsAre(uuid(4), uuid(3), uuid(2), uuid(1)));
        EXPECT_THAT(ids_of(ledger.list_migration_batches("", 2)), ElementsAre(uuid(4), uuid(3)));
        EXPECT_THAT(ids_of(ledger.list_migration_batches("sim-a", 10)),
                    ElementsAre(uuid(4), uuid(1)));
        EXPECT_THAT(ids_of(ledger.list_migration_batches("sim-b", 10)), ElementsAre(uuid(2)));
        EXPECT_THAT(ledger.list_migration_batches("sim-c", 10), IsEmpty());
        EXPECT_THAT(ledger.list_migration_batches("", 0), IsEmpty());
        const auto listed = ledger.list_migration_batches("sim-b", 1);
        ASSERT_EQ(listed.size(), 1U);
        EXPECT_EQ(dump(listed[0]), dump(evacuation));
    }
    // Every field but the id changes.
    api::MigrationBatch changed;
    changed.id = drain.id;
    changed.kind = "evacuate";
    changed.simulator_id = "sim-c";
    changed.state = "cancelled";
    changed.max_parallel = 16;
    changed.options = R"({"when_empty":true})";
    changed.actor = "system:rebalance";
    changed.created_at = "2026-09-02T00:00:00.000Z";
    changed.updated_at = "2026-09-03T00:00:00.000Z";
    {
        auto tx = write();
        migration_ledger(*tx).update_migration_batch(changed);
        tx->commit();
    }
    EXPECT_EQ(dump(migration_ledger(*read()).find_migration_batch(drain.id).value()),
              dump(changed));
    api::MigrationBatch missing = changed;
    missing.id = uuid(99);
    EXPECT_THROW(migration_ledger(*write()).update_migration_batch(missing), api::StorageError);
    expect_storage_conflict(
        write(), [&](auto& tx) { migration_ledger(tx).insert_migration_batch(evacuation); },
        "a second batch with the same id");
}

// ABI 1.12 (MigrationBatchPages): the same order, paged strictly before a (created_at, id) keyset,
// so a page that ends inside a run of equal times goes on with the next id down.
TEST_P(StorageContract, BatchesPageNewestFirstStrictlyBeforeTheKeyset) {
    const std::string t1 = "2026-09-01T10:00:00.000Z";
    const std::string t2 = "2026-09-01T11:00:00.000Z";
    {
        auto tx = write();
        auto& ledger = migration_ledger(*tx);
        ledger.insert_migration_batch(sample_batch(1, "sim-a", t1));
        ledger.insert_migration_batch(sample_batch(2, "sim-b", t2));
        ledger.insert_migration_batch(sample_batch(3, "sim-a", t2));
        ledger.insert_migration_batch(sample_batch(4, "sim-a", t2));
        ledger.insert_migration_batch(sample_batch(5, "sim-b", t1));
        tx->commit();
    }
    auto tx = read();
    auto* pages = dynamic_cast<api::MigrationBatchPages*>(tx.get());
    ASSERT_NE(pages, nullptr) << "the transaction implements no MigrationBatchPages";
    EXPECT_THAT(ids_of(pages->list_migration_batches_before("", "", "", 10)),
                ElementsAre(uuid(4), uuid(3), uuid(2), uuid(5), uuid(1)));
    EXPECT_THAT(ids_of(pages->list_migration_batches_before("", t2, uuid(3), 2)),
                ElementsAre(uuid(2), uuid(5)));
    EXPECT_THAT(ids_of(pages->list_migration_batches_before("", t1, uuid(5), 10)),
                ElementsAre(uuid(1)));
    EXPECT_THAT(pages->list_migration_batches_before("", t1, uuid(1), 10), IsEmpty());
    EXPECT_THAT(ids_of(pages->list_migration_batches_before("sim-a", t2, uuid(4), 10)),
                ElementsAre(uuid(3), uuid(1)));
    EXPECT_THAT(ids_of(pages->list_migration_batches_before("sim-b", t2, uuid(2), 10)),
                ElementsAre(uuid(5)));
    EXPECT_THAT(pages->list_migration_batches_before("", "", "", 0), IsEmpty());
}

TEST_P(StorageContract, AMigrationOutlivesItsRegion) {
    const auto estate = seed_estate(1, "Estate");
    const auto region = sample_region(11, "Moved away", estate.id, 110, 0, "sim-host", 9011);
    auto move = sample_migration(2, region.uuid, "2026-09-01T10:00:00.000Z", 7);
    move.state = "succeeded";
    {
        auto tx = write();
        tx->insert_region(region);
        migration_ledger(*tx).insert_migration(move);
        tx->commit();
    }
    {
        auto tx = write();
        tx->delete_region(region.uuid);
        tx->commit();
    }
    auto tx = read();
    EXPECT_FALSE(tx->find_region(region.uuid).has_value());
    EXPECT_EQ(dump(migration_ledger(*tx).find_migration(move.id).value()), dump(move));
    EXPECT_THAT(
        ids_of(migration_ledger(*tx).list_migrations({.region_id = region.uuid}, "", "", 10)),
        ElementsAre(move.id));
}

}  // namespace
}  // namespace vergegrid::test::storage
