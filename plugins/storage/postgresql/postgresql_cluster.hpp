// ClusterCoordination on PostgreSQL (plugin ABI 1.9, docs/ha.md): the grid's leadership is a
// session-level advisory lock on a connection of its own, and the control planes tell each other
// about committed work with NOTIFY, heard by a LISTEN connection on a thread of its own. These use
// libpq directly rather than SOCI: listening needs the connection's socket and its notification
// queue, which SOCI does not expose.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vergegrid/plugin_api/logger.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"

using PGconn = struct pg_conn;

namespace vergegrid::plugins::postgresql {

// The advisory lock key of the grid's leadership. Advisory locks are per database, so two grids
// on one server do not meet.
inline constexpr long long kLeaderLockKey = 0x5647'4C45'4144;  // "VGLEAD"

// `payloads` as one PostgreSQL text[] literal, every element quoted.
std::string text_array_literal(const std::vector<std::string>& payloads);

class PostgresqlCluster {
  public:
    // `conninfo`: the libpq connection string of the pool's connections. Each session of this
    // class adds TCP keepalives on both ends, so that a peer gone silent is noticed in seconds.
    PostgresqlCluster(std::string conninfo, std::shared_ptr<plugin_api::Logger> logger);
    ~PostgresqlCluster();
    PostgresqlCluster(const PostgresqlCluster&) = delete;
    PostgresqlCluster& operator=(const PostgresqlCluster&) = delete;

    bool hold_leadership() noexcept;
    void resign_leadership() noexcept;
    void publish(const std::string& channel, const std::vector<std::string>& payloads);
    void listen(const std::vector<std::string>& channels, plugin_api::ClusterListener& listener);
    void stop_listening() noexcept;
    // resign_leadership, stop_listening and the publishing session.
    void close() noexcept;

  private:
    PGconn* connect_session() const;
    void run_listener(std::vector<std::string> channels, plugin_api::ClusterListener* listener,
                      int stop_fd);
    void log(plugin_api::LogLevel level, const std::string& message) const noexcept;

    const std::string conninfo_;
    const std::shared_ptr<plugin_api::Logger> logger_;

    std::mutex leader_mutex_;
    PGconn* leader_ = nullptr;  // holds the lock while connected
    std::mutex publish_mutex_;
    PGconn* publisher_ = nullptr;
    // Its server process: the listener skips what this backend published itself.
    std::atomic<int> publisher_pid_{0};

    std::mutex listen_mutex_;  // guards the thread and its stop pipe
    std::thread listener_thread_;
    int stop_pipe_[2] = {-1, -1};
};

}  // namespace vergegrid::plugins::postgresql
