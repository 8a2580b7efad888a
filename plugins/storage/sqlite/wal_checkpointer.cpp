#include "wal_checkpointer.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

namespace vergegrid::plugins::sqlite {

namespace {

int on_commit(void* checkpointer, sqlite_api::sqlite3* db, const char* name, int pages) {
    auto& self = *static_cast<WalCheckpointer*>(checkpointer);
    if (!self.committed(pages)) {
        self.checkpoint_inline(db, name);
    }
    return SQLITE_OK;
}

}  // namespace

WalCheckpointer::WalCheckpointer(std::shared_ptr<plugin_api::Logger> logger, int threshold_pages)
    : logger_(std::move(logger)), threshold_pages_(threshold_pages) {}

WalCheckpointer::~WalCheckpointer() {
    stop();
}

void WalCheckpointer::watch(soci::session& session) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    // Replaces the automatic checkpoint, which is itself a WAL hook.
    sqlite_api::sqlite3_wal_hook(backend->conn_, &on_commit, this);
}

bool WalCheckpointer::committed(int pages) {
    if (pages >= kInlineFactor * threshold_pages_) {
        return false;
    }
    int copied = copied_.load();
    if (pages < copied) {
        // The WAL started over since the last checkpoint: nothing of it is copied yet.
        copied_.compare_exchange_strong(copied, 0);
        copied = 0;
    }
    // Measured from what the last checkpoint copied, not from the WAL's start: the WAL stays
    // long until a write finds all of it copied, and waking the thread on every commit past the
    // threshold made it copy a batch or two at a time, each time with a checkpoint's fsyncs
    // (15 % of the control plane's CPU under creates). In the last stretch before a commit
    // copies the rest itself, every commit wakes the thread, so that the rest is small.
    const bool closing_in = pages >= (kInlineFactor - 1) * threshold_pages_;
    if (pages - copied < (closing_in ? 1 : threshold_pages_)) {
        return true;
    }
    std::lock_guard lock(mutex_);
    if (!due_) {
        due_ = true;
        wanted_.notify_one();
    }
    return true;
}

void WalCheckpointer::checkpoint_inline(sqlite_api::sqlite3* db, const char* name) {
    // The thread has fallen behind: this commit checkpoints itself, as SQLite's default does at
    // 1,000 pages. The hook runs after the write lock is released, and a PASSIVE checkpoint
    // never waits on SQLite's locks, so waiting here for the thread cannot deadlock. The next
    // write then finds the WAL copied and starts it over.
    std::lock_guard one_at_a_time(checkpointing_);
    int wal_pages = 0;
    int copied = 0;
    if (sqlite_api::sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &wal_pages,
                                              &copied) == SQLITE_OK) {
        copied_.store(copied);
    }
}

long long WalCheckpointer::checkpoints() const {
    std::lock_guard lock(mutex_);
    return checkpoints_;
}

void WalCheckpointer::start(Connect connect) {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
        return;
    }
    stopping_ = false;
    // Connected here, so that a database the backend just opened is one this thread can open.
    std::shared_ptr<soci::session> session = connect();
    thread_ = std::thread([this, session] { run(*session); });
}

void WalCheckpointer::stop() noexcept {
    std::thread ending;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wanted_.notify_one();
        ending = std::move(thread_);
    }
    if (ending.joinable()) {
        ending.join();
    }
}

void WalCheckpointer::run(soci::session& session) {
    std::unique_lock lock(mutex_);
    for (;;) {
        wanted_.wait(lock, [this] { return due_ || stopping_; });
        if (stopping_) {
            return;
        }
        due_ = false;
        lock.unlock();
        try {
            std::lock_guard one_at_a_time(checkpointing_);
            // PASSIVE: copies what no reader still needs, never waits for a lock, never blocks
            // the writer. What it leaves, the next one takes.
            int busy = 0;
            int wal_pages = 0;
            int copied = 0;
            session << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(wal_pages),
                soci::into(copied);
            copied_.store(std::max(copied, 0));  // -1 when the database is not in WAL mode
        } catch (const std::exception& e) {
            if (logger_ && logger_->enabled(plugin_api::LogLevel::warn)) {
                logger_->warn(std::string("WAL checkpoint failed (the next commit retries): ") +
                              e.what());
            }
        }
        lock.lock();
        ++checkpoints_;
    }
}

}  // namespace vergegrid::plugins::sqlite
