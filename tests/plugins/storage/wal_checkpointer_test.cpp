// The SQLite plugin's WAL checkpointer, over real database files: commits no longer checkpoint
// themselves, and its thread keeps the WAL from growing past a few thousand pages.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "sqlite_backend.hpp"
#include "sqlite_test_support.hpp"
#include "wal_checkpointer.hpp"

namespace {

namespace fs = std::filesystem;
namespace sqlite = vergegrid::plugins::sqlite;
using vergegrid::test::storage::TempDir;
using namespace std::chrono_literals;

constexpr int kThresholdPages = 100;
constexpr std::size_t kPageBytes = 4096;

// `commits` transactions of about `pages_each` pages each.
void write(soci::session& sql, int commits, int pages_each) {
    const std::string blob(static_cast<std::size_t>(pages_each) * kPageBytes, 'x');
    for (int i = 0; i < commits; ++i) {
        soci::transaction tx(sql);
        sql << "INSERT INTO filler (data) VALUES (:data)", soci::use(blob);
        tx.commit();
    }
}

std::uintmax_t wal_bytes(const fs::path& database) {
    std::error_code ec;
    const auto size = fs::file_size(fs::path(database.string() + "-wal"), ec);
    return ec ? 0 : size;
}

// Waits up to 10 s for the checkpointer's thread to have run a checkpoint.
void wait_for_a_checkpoint(const sqlite::WalCheckpointer& checkpointer) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (checkpointer.checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
}

class WalCheckpointerTest : public ::testing::Test {
  protected:
    std::unique_ptr<soci::session> connect() {
        auto sql = std::make_unique<soci::session>(*soci::factory_sqlite3(), file_.string());
        sqlite::configure_session(*sql, 1000);
        checkpointer_.watch(*sql);
        return sql;
    }

    TempDir dir_;
    fs::path file_ = dir_.path() / "wal.db";
    sqlite::WalCheckpointer checkpointer_{nullptr, kThresholdPages};
};

TEST(WalCheckpointerAlone, AWatchedConnectionsCommitsLeaveTheWalAlone) {
    TempDir dir;
    const fs::path file = dir.path() / "alone.db";
    // Inline checkpoints only past 4 x 300 pages, and no thread.
    sqlite::WalCheckpointer checkpointer(nullptr, 300);
    soci::session sql(*soci::factory_sqlite3(), file.string());
    sqlite::configure_session(sql, 1000);
    checkpointer.watch(sql);
    sql.once << "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)";
    // 1,100 pages: SQLite's automatic checkpoint would have copied the WAL back at 1,000 and
    // the next write started it over; watched, the WAL holds them all.
    write(sql, 20, 55);
    EXPECT_GT(wal_bytes(file), 1100 * kPageBytes);
    EXPECT_EQ(checkpointer.checkpoints(), 0);
}

TEST_F(WalCheckpointerTest, ItsThreadCheckpointsOnceTheWalPassesTheThresholdAndKeepsItSmall) {
    auto sql = connect();
    sql->once << "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)";
    checkpointer_.start([this] { return connect(); });
    // 4,000 pages in commits of 20: without checkpoints the WAL would hold all of them.
    for (int round = 0; round < 20; ++round) {
        write(*sql, 10, 20);
        std::this_thread::sleep_for(5ms);  // the thread's turn, as between requests
    }
    wait_for_a_checkpoint(checkpointer_);
    EXPECT_GT(checkpointer_.checkpoints(), 0);
    // A commit that finds the WAL four thresholds long checkpoints it, waiting for the thread's
    // checkpoint if one runs, and the next write starts the WAL over: it passes that length by
    // one commit at most (420 pages here), far from the 4,000 written. When such a commit
    // skipped its checkpoint because the thread's was running, fsync load made the WAL keep
    // every page.
    EXPECT_LT(wal_bytes(file_),
              (sqlite::WalCheckpointer::kInlineFactor * kThresholdPages + 100) * kPageBytes);
    checkpointer_.stop();
    long long rows = 0;
    *sql << "SELECT COUNT(*) FROM filler", soci::into(rows);
    EXPECT_EQ(rows, 200);
}

TEST_F(WalCheckpointerTest, ItsThreadWaitsForAThresholdOfNewPagesNotForEveryCommit) {
    auto sql = connect();
    sql->once << "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)";
    // A reader that takes a new snapshot after every commit keeps the WAL from starting over
    // (as writes that never pause do), while leaving the thread free to copy all of it.
    soci::session reader(*soci::factory_sqlite3(), file_.string());
    sqlite::configure_session(reader, 1000);
    long long rows = 0;
    reader << "BEGIN";
    checkpointer_.start([this] { return connect(); });
    // ~270 pages in commits of ~4, each followed by time enough for a checkpoint: short of the
    // last stretch (3 thresholds), where every commit wakes the thread.
    constexpr int kCommits = 65;
    for (int i = 0; i < kCommits; ++i) {
        write(*sql, 1, 2);
        reader << "COMMIT";
        reader << "BEGIN";
        reader << "SELECT COUNT(*) FROM filler", soci::into(rows);
        std::this_thread::sleep_for(3ms);
    }
    reader << "COMMIT";
    EXPECT_EQ(rows, kCommits);
    ASSERT_GT(wal_bytes(file_), 200 * kPageBytes);  // it did not start over
    // Once per threshold of pages the last checkpoint left: twice here. Woken by every commit
    // past the threshold, the thread checkpointed ~40 times, each with its fsyncs.
    EXPECT_GT(checkpointer_.checkpoints(), 0);
    EXPECT_LE(checkpointer_.checkpoints(), 4);
}

TEST_F(WalCheckpointerTest, StopIsIdempotentAndStartAgainWorks) {
    auto sql = connect();
    sql->once << "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)";
    checkpointer_.start([this] { return connect(); });
    checkpointer_.stop();
    checkpointer_.stop();
    checkpointer_.start([this] { return connect(); });
    write(*sql, 3, kThresholdPages + 10);
    wait_for_a_checkpoint(checkpointer_);
    EXPECT_GT(checkpointer_.checkpoints(), 0);
}

}  // namespace
