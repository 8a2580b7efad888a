// Transactions: rollback on destruction, the database's constraints as StorageConflict, a failed
// transaction refusing to commit, serialised writers, snapshots for readers, busy pools.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::HasSubstr;

TEST_P(StorageContract, ATransactionDestroyedWithoutCommitLeavesNothing) {
    const auto kept = seed_estate(1, "Kept");
    {
        auto tx = write();
        tx->insert_estate(sample_estate(2, "Rolled back"));
        tx->insert_region(sample_region(3, "rolled-back", kept.id, 0, 0, "h", 9000));
        tx->append_history({uuid(3), {1, 0, 0}, "create", "{}", "a", "r", "2026-01-01T00:00:00Z"});
        tx->append_audit(
            {0, "2026-01-01T00:00:00Z", "a", "region.create", "region", uuid(3), "r", "", "{}"});
        auto changed = kept;
        changed.owner = "changed";
        tx->update_estate(changed);
        EXPECT_TRUE(tx->find_region(uuid(3)).has_value()) << "visible inside the transaction";
    }  // no commit
    auto tx = read();
    EXPECT_FALSE(tx->find_estate(uuid(2)).has_value());
    EXPECT_FALSE(tx->find_region(uuid(3)).has_value());
    EXPECT_TRUE(tx->list_history(uuid(3)).empty());
    EXPECT_TRUE(tx->list_audit({}, 0, 10).empty());
    EXPECT_EQ(tx->find_estate(kept.id)->owner, kept.owner);
}

TEST_P(StorageContract, ACommittedTransactionCannotBeUsedAgain) {
    auto tx = write();
    tx->insert_estate(sample_estate(1, "Once"));
    tx->commit();
    EXPECT_THROW(tx->commit(), api::StorageError);
    EXPECT_THROW(tx->find_estate(uuid(1)), api::StorageError);
}

// Runs `action` in a read-write transaction and expects the database to refuse it.
template <typename Action>
void expect_conflict(StorageContract* /*fixture*/, std::unique_ptr<api::StorageTransaction> tx,
                     Action action, const char* what) {
    try {
        action(*tx);
        ADD_FAILURE() << what << " was accepted";
    } catch (const api::StorageConflict& e) {
        EXPECT_THAT(std::string(e.what()), ::testing::Not(::testing::IsEmpty()));
    } catch (const std::exception& e) {
        ADD_FAILURE() << what << " threw something other than StorageConflict: " << e.what();
    }
    // After a failed statement the transaction can only be rolled back.
    EXPECT_THROW(tx->commit(), api::StorageError) << what;
}

TEST_P(StorageContract, UniqueNamesAndHostPortAreConflicts) {
    const auto estate = seed_estate(1, "Estate");
    {
        auto tx = write();
        tx->insert_region(sample_region(2, "taken", estate.id, 0, 0, "sim", 9000));
        tx->commit();
    }
    expect_conflict(
        this, write(), [&](auto& tx) { tx.insert_estate(sample_estate(3, "Estate")); },
        "a second estate named Estate");
    expect_conflict(
        this, write(),
        [&](auto& tx) {
            tx.insert_region(sample_region(4, "taken", estate.id, 1, 0, "sim", 9001));
        },
        "a second region named taken");
    expect_conflict(
        this, write(),
        [&](auto& tx) {
            tx.insert_region(sample_region(5, "other", estate.id, 1, 0, "sim", 9000));
        },
        "a second region on sim:9000");
    expect_conflict(
        this, write(),
        [&](auto& tx) { tx.insert_region(sample_region(2, "same-uuid", estate.id, 1, 0, "s", 1)); },
        "a second region with the same uuid");
    expect_conflict(
        this, write(),
        [&](auto& tx) {
            tx.insert_region(sample_region(6, "second", estate.id, 1, 0, "sim", 9001));
            auto moved = sample_region(6, "second", estate.id, 1, 0, "sim", 9000);
            tx.update_region(moved);
        },
        "moving a region onto sim:9000");
    // Nothing of the refused writes is visible.
    auto tx = read();
    EXPECT_EQ(tx->list_regions({}, "", 100).size(), 1U);
    EXPECT_EQ(tx->list_estates("", 100).size(), 1U);
}

TEST_P(StorageContract, ForeignKeysAreConflicts) {
    const auto estate = seed_estate(1, "Estate");
    const auto tmpl = seed_template(2, "Template");
    {
        auto tx = write();
        auto r = sample_region(3, "used", estate.id, 0, 0, "sim", 9000);
        r.template_id = tmpl.id;
        tx->insert_region(r);
        tx->commit();
    }
    expect_conflict(
        this, write(),
        [&](auto& tx) { tx.insert_region(sample_region(4, "orphan", uuid(99), 1, 0, "s", 9001)); },
        "a region in an unknown estate");
    expect_conflict(
        this, write(),
        [&](auto& tx) {
            auto r = sample_region(5, "bad-template", estate.id, 1, 0, "s", 9002);
            r.template_id = uuid(98);
            tx.insert_region(r);
        },
        "a region from an unknown template");
    expect_conflict(
        this, write(), [&](auto& tx) { tx.delete_estate(estate.id); },
        "deleting an estate that still has a region");
    expect_conflict(
        this, write(), [&](auto& tx) { tx.delete_template(tmpl.id); },
        "deleting a template a region was made from");
    auto tx = read();
    EXPECT_TRUE(tx->find_estate(estate.id).has_value());
    EXPECT_TRUE(tx->find_template(tmpl.id).has_value());
}

TEST_P(StorageContract, CheckConstraintsRefuseImpossibleRegions) {
    const auto estate = seed_estate(1, "Estate");
    const auto with = [&](auto change) {
        auto r = sample_region(2, "bad", estate.id, 0, 0, "sim", 9000);
        change(r);
        return r;
    };
    expect_conflict(
        this, write(),
        [&](auto& tx) { tx.insert_region(with([](api::Region& r) { r.size_x = 300; })); },
        "size_x 300");
    expect_conflict(
        this, write(),
        [&](auto& tx) { tx.insert_region(with([](api::Region& r) { r.size_y = 0; })); },
        "size_y 0");
    expect_conflict(
        this, write(),
        [&](auto& tx) { tx.insert_region(with([](api::Region& r) { r.port = 0; })); }, "port 0");
    expect_conflict(
        this, write(),
        [&](auto& tx) { tx.insert_region(with([](api::Region& r) { r.port = 65536; })); },
        "port 65536");
    expect_conflict(
        this, write(),
        [&](auto& tx) {
            tx.insert_region(with([](api::Region& r) { r.region_state_mode = "everything"; }));
        },
        "region_state_mode 'everything'");
    EXPECT_TRUE(read()->list_regions({}, "", 10).empty());
}

TEST_P(StorageContract, ReadWriteTransactionsNeverLoseAnUpdate) {
    // Two threads increment a counter (kept in an estate's owner) through read-modify-write
    // transactions. Without grid-wide serialisation some increments would be lost.
    api::Estate counter = seed_estate(1, "Counter");
    {
        auto tx = write();
        counter.owner = "0";
        tx->update_estate(counter);
        tx->commit();
    }
    constexpr int kPerThread = 25;
    std::atomic<int> failures{0};
    std::string first_error;
    std::mutex error_mutex;
    const auto worker = [&] {
        for (int i = 0; i < kPerThread; ++i) {
            try {
                auto tx = write();
                auto estate = tx->find_estate(counter.id).value();
                const int value = std::stoi(estate.owner);
                std::this_thread::yield();  // widen the window a lost update needs
                estate.owner = std::to_string(value + 1);
                tx->update_estate(estate);
                tx->commit();
            } catch (const std::exception& e) {
                ++failures;
                const std::lock_guard lock(error_mutex);
                if (first_error.empty()) {
                    first_error = e.what();
                }
            }
        }
    };
    std::thread a(worker);
    std::thread b(worker);
    a.join();
    b.join();
    EXPECT_EQ(failures.load(), 0) << first_error;
    EXPECT_EQ(read()->find_estate(counter.id)->owner, std::to_string(2 * kPerThread));
}

TEST_P(StorageContract, AReadTransactionSeesOneSnapshotAndDoesNotBlockTheWriter) {
    seed_estate(1, "Before");
    auto reader = read();
    EXPECT_EQ(reader->list_estates("", 10).size(), 1U);
    {
        // Committed while the reader is open: must neither wait for it nor show up in it.
        auto tx = write();
        tx->insert_estate(sample_estate(2, "After"));
        tx->commit();
    }
    EXPECT_EQ(reader->list_estates("", 10).size(), 1U);
    reader.reset();
    EXPECT_EQ(read()->list_estates("", 10).size(), 2U);
}

TEST_P(StorageContract, BeginIsBusyWhenNoConnectionFreesUp) {
    auto config = harness_->config();
    config["pool_size"] = "1";
    if (GetParam() == "sqlite") {
        config["busy_timeout_ms"] = "300";
    }
    auto& small = create_backend(config);
    small.open();
    auto held = small.begin(api::Access::read);
    const auto started = std::chrono::steady_clock::now();
    try {
        auto second = small.begin(api::Access::read);
        FAIL() << "a second transaction got the pool's only connection";
    } catch (const api::StorageBusy& e) {
        EXPECT_THAT(e.what(), HasSubstr("busy"));
    }
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250))
        << "begin() waits for a connection before giving up";
    held.reset();
    EXPECT_NO_THROW(small.begin(api::Access::read));
}

TEST_P(StorageContract, ATransactionBegunOnAConnectionTheDatabaseDroppedStartsOnANewOne) {
    if (GetParam() == "sqlite") {
        return;  // no server to drop a connection
    }
    // One pooled connection, dropped by the server (as a restart or a failover would): the next
    // transaction, read or read-write, still begins, on a new connection, instead of failing.
    auto config = harness_->config();
    config["pool_size"] = "1";
    auto& small = create_backend(config);
    small.open();
    auto direct = harness_->direct();
    const auto drop_the_others = [&] {
        const std::string others =
            GetParam() == "postgresql"
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                  "pid <> pg_backend_pid()"
                : "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND "
                  "id <> CONNECTION_ID()";
        if (GetParam() == "postgresql") {
            *direct << "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid()";
        } else {
            std::vector<long long> ids(100);
            *direct << "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND "
                       "id <> CONNECTION_ID()",
                soci::into(ids);
            for (const auto id : ids) {
                *direct << "KILL " + std::to_string(id);
            }
        }
        // The server ends a killed session on its own time: wait until it has.
        long long left = 1;
        for (int i = 0; i < 200 && left > 0; ++i) {
            *direct << others, soci::into(left);
            if (left > 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        ASSERT_EQ(left, 0) << "the server did not end the killed sessions";
    };

    small.begin(api::Access::read)->commit();
    drop_the_others();
    {
        auto tx = small.begin(api::Access::read);
        EXPECT_TRUE(tx->list_estates("", 10).empty());
    }
    drop_the_others();
    {
        auto tx = small.begin(api::Access::read_write);
        tx->insert_estate(sample_estate(1, "After"));
        tx->commit();
    }
    EXPECT_EQ(read()->list_estates("", 10).size(), 1U);
}

TEST_P(StorageContract, OneConnectionRunsItsPreparedQueriesAgainAndSeesLaterCommits) {
    // Every transaction of `small` runs on its one connection, which keeps the region queries it
    // prepared: each run must bind the new values, and a query run to the end must not leave
    // the connection reading an old snapshot.
    auto config = harness_->config();
    config["pool_size"] = "1";
    auto& small = create_backend(config);
    small.open();
    const auto estate = seed_estate(1, "Mainland");
    {
        auto tx = small.begin(api::Access::read_write);
        tx->insert_region(sample_region(1, "Alpha", estate.id, 1000, 1000, "sim-a", 9000));
        tx->insert_region(sample_region(2, "Beta", estate.id, 1001, 1000, "sim-a", 9001));
        tx->commit();
    }
    for (int round = 0; round < 3; ++round) {
        auto tx = small.begin(api::Access::read);
        EXPECT_EQ(tx->find_region(uuid(1))->name, "Alpha");
        EXPECT_EQ(tx->find_region(uuid(2))->name, "Beta");
        EXPECT_FALSE(tx->find_region(uuid(3)));
        EXPECT_EQ(tx->find_region_by_name("Beta")->uuid, uuid(2));
        EXPECT_EQ(tx->find_region_by_host_port("sim-a", 9001, "")->name, "Beta");
        EXPECT_FALSE(tx->find_region_by_host_port("sim-a", 9001, uuid(2)));
        EXPECT_EQ(tx->find_regions_overlapping(1000, 1000, 1002, 1001, "").size(), 2U);
        EXPECT_EQ(tx->find_regions_overlapping(1000, 1000, 1002, 1001, uuid(1)).size(), 1U);
        api::RegionFilter by_prefix;
        by_prefix.name_prefix = "Al";
        EXPECT_EQ(tx->list_regions(by_prefix, "", 10).size(), 1U);
        EXPECT_EQ(tx->list_regions({}, "Alpha", 10).size(), 1U);
        EXPECT_EQ(tx->list_regions({}, "", 1).size(), 1U);
        tx->commit();
    }
    {
        // Through the fixture's own backend: another connection.
        auto tx = write();
        auto alpha = *tx->find_region(uuid(1));
        alpha.name = "Alpha renamed";
        tx->update_region(alpha);
        tx->commit();
    }
    EXPECT_EQ(small.begin(api::Access::read)->find_region(uuid(1))->name, "Alpha renamed");
    {
        auto tx = small.begin(api::Access::read_write);
        auto beta = *tx->find_region(uuid(2));
        beta.port = 9002;
        tx->update_region(beta);
        tx->commit();
    }
    EXPECT_EQ(read()->find_region_by_host_port("sim-a", 9002, "")->name, "Beta");
    EXPECT_FALSE(read()->find_region_by_host_port("sim-a", 9001, ""));
}

}  // namespace
}  // namespace vergegrid::test::storage
