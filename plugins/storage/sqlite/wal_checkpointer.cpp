#include "wal_checkpointer.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <exception>
#include <string>
#include <utility>

namespace vergegrid::plugins::sqlite {

namespace {

int on_commit(void* checkpointer, sqlite_api::sqlite3*, const char*, int pages) {
    static_cast<WalCheckpointer*>(checkpointer)->committed(pages);
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

void WalCheckpointer::committed(int pages) {
    if (pages < threshold_pages_) {
        return;
    }
    std::lock_guard lock(mutex_);
    if (!due_) {
        due_ = true;
        wanted_.notify_one();
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
            // PASSIVE: copies what no reader still needs, never waits for a lock, never blocks
            // the writer. What it leaves, the next one takes.
            int busy = 0;
            int wal_pages = 0;
            int copied = 0;
            session << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(wal_pages),
                soci::into(copied);
            // The WAL starts over only when a write begins with every page of it copied: under
            // writes that never pause, that moment may not come and the file would keep
            // growing. RESTART waits (busy_timeout) for the writer to finish, copies the rest
            // and makes the next write start the WAL over: a short stall, bounding the file.
            if (wal_pages >= kRestartFactor * threshold_pages_) {
                session << "PRAGMA wal_checkpoint(RESTART)", soci::into(busy),
                    soci::into(wal_pages), soci::into(copied);
            }
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
