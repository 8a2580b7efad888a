// A fixed-size pool of SOCI sessions. A transaction leases one session for its whole life; when
// every session is leased, begin() waits up to a timeout and then gives up with StorageBusy
// instead of queueing without bound. Our own small pool rather than soci::connection_pool: it
// replaces a session that lost its connection, and leases keep the pool alive (a transaction
// that outlives close() still returns its session safely).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "statement_cache.hpp"

namespace soci {
class session;
}

namespace vergegrid::plugins::sql {

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
  public:
    // Makes a new, fully configured session; throws when the database cannot be reached.
    using Connect = std::function<std::unique_ptr<soci::session>()>;

    // A session and the statements prepared on it, which live and die with it.
    struct Connection {
        explicit Connection(std::unique_ptr<soci::session> session_);
        ~Connection();  // where soci::session is complete
        Connection(const Connection&) = delete;
        Connection& operator=(const Connection&) = delete;
        std::unique_ptr<soci::session> session;
        StatementCache statements;  // declared after the session: destroyed before it
    };

    // One leased session; returns it to the pool when destroyed.
    class Lease {
      public:
        Lease() = default;
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) noexcept;
        ~Lease();

        soci::session& session() const noexcept { return *connection_->session; }
        StatementCache& statements() const noexcept { return connection_->statements; }
        explicit operator bool() const noexcept { return connection_ != nullptr; }
        // The session's connection is unusable: the pool drops it and connects anew on the
        // next acquire.
        void mark_broken() noexcept { broken_ = true; }

      private:
        friend class ConnectionPool;
        Lease(std::shared_ptr<ConnectionPool> pool, std::unique_ptr<Connection> connection);
        void release() noexcept;

        std::shared_ptr<ConnectionPool> pool_;
        std::unique_ptr<Connection> connection_;
        bool broken_ = false;
    };

    // Connects `size` sessions up front, so that a bad configuration fails at open().
    static std::shared_ptr<ConnectionPool> create(std::size_t size, Connect connect,
                                                  std::unique_ptr<soci::session> first = nullptr);

    // Waits up to `timeout` for a free session. Throws plugin_api::StorageBusy on timeout and
    // plugin_api::StorageError when a replacement connection fails.
    Lease acquire(std::chrono::milliseconds timeout);

    std::size_t size() const noexcept { return size_; }

    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

  private:
    ConnectionPool(std::size_t size, Connect connect);
    void give_back(std::unique_ptr<Connection> connection) noexcept;

    const std::size_t size_;
    const Connect connect_;
    std::mutex mutex_;
    std::condition_variable freed_;
    // Free connections; a null entry is a slot whose connection was dropped as broken.
    std::vector<std::unique_ptr<Connection>> free_;
};

}  // namespace vergegrid::plugins::sql
