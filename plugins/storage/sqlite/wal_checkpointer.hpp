// Copies the write-ahead log back into the database file on a thread of its own. SQLite's
// default (wal_autocheckpoint) runs that copy, with its fsyncs, inside the COMMIT that crossed
// 1,000 WAL pages: the request committing waits for it, and with group commit so does every
// request of its batch. Here each connection's commit only reports the WAL's length (a WAL hook,
// which replaces the automatic checkpoint), and once the WAL holds a threshold of pages the last
// checkpoint did not copy, this thread runs a PASSIVE checkpoint on its own connection, beside
// readers and the writer. Under writes that never pause the WAL only starts over after a commit
// finds it four thresholds long and copies the rest itself, as SQLite would; the thread keeps
// that rest small.
#pragma once

#include <soci/soci.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "vergegrid/plugin_api/logger.hpp"

// SOCI declares SQLite's C API in this namespace (soci/sqlite3/soci-sqlite3.h).
namespace sqlite_api {
struct sqlite3;
}

namespace vergegrid::plugins::sqlite {

class WalCheckpointer {
  public:
    // SQLite's own threshold for wal_autocheckpoint.
    static constexpr int kDefaultThresholdPages = 1000;
    // The WAL starts over only when a write begins with all of it copied. Under writes that
    // never pause the thread may not find that moment and the WAL would keep growing: once it
    // is this many thresholds long, commits checkpoint themselves again.
    static constexpr int kInlineFactor = 4;

    using Connect = std::function<std::unique_ptr<soci::session>()>;
    explicit WalCheckpointer(std::shared_ptr<plugin_api::Logger> logger,
                             int threshold_pages = kDefaultThresholdPages);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Makes `session`'s commits report to this checkpointer instead of checkpointing themselves.
    void watch(soci::session& session);
    // Starts the thread, which checkpoints over a connection of its own made by `connect`.
    // A no-op when running.
    void start(Connect connect);
    // Ends the thread after the checkpoint it may be running. Idempotent.
    void stop() noexcept;

    // Checkpoints run so far (each copies what the WAL held when it began).
    long long checkpoints() const;
    // The WAL length (pages) past which the thread checkpoints.
    int threshold_pages() const noexcept { return threshold_pages_; }

    // From a watched session's commit (SQLite's WAL hook): the WAL now holds `pages` pages.
    // False when the committing connection should checkpoint itself (the WAL is too long).
    bool committed(int pages);
    // The committing connection's own checkpoint, once `committed` said so. It waits for the
    // thread's checkpoint to end: SQLite runs one checkpoint at a time and refuses a second
    // with SQLITE_BUSY, so under slow disks a commit that skipped would let the WAL grow
    // without bound while the writer outpaces the thread.
    void checkpoint_inline(sqlite_api::sqlite3* db, const char* name);

  private:
    void run(soci::session& session);

    const std::shared_ptr<plugin_api::Logger> logger_;
    const int threshold_pages_;
    mutable std::mutex mutex_;
    std::condition_variable wanted_;
    bool due_ = false;
    bool stopping_ = false;
    long long checkpoints_ = 0;
    // Frames of the current WAL the last checkpoint copied (SQLite's backfill mark).
    std::atomic<int> copied_{0};
    // Held by whoever runs a checkpoint, the thread or a commit.
    std::mutex checkpointing_;
    std::thread thread_;
};

}  // namespace vergegrid::plugins::sqlite
