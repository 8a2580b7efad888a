// StorageBackend over a MariaDB or MySQL database through SOCI (kind "storage", name "mysql"): a
// pool of utf8mb4 connections; read-write transactions serialise on the grid_lock row.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "migrations.hpp"
#include "soci_backend.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"

namespace vergegrid::plugins::mysql {

inline constexpr int kDefaultPoolSize = 4;
inline constexpr int kMaxPoolSize = 64;
inline constexpr int kDefaultConnectTimeoutS = 10;
// How long a transaction waits for the grid lock (innodb_lock_wait_timeout, whole seconds) and
// begin() for a free connection.
inline constexpr int kLockTimeoutS = 10;
// The named lock of the grid's leadership on database `db`: GET_LOCK names are per server, so
// the database's name keeps two grids on one server apart. At most 64 characters.
std::string leader_lock_name(const std::string& db);

struct MysqlConfig {
    std::string host = "localhost";
    int port = 3306;
    std::string db = "vergegrid";
    std::string user = "vergegrid";
    std::string password;
    int pool_size = kDefaultPoolSize;
    int connect_timeout_s = kDefaultConnectTimeoutS;
};

// Reads the plugin's section (keys host, port, db, user, password, pool_size,
// connect_timeout_s). Throws plugin_api::ConfigError naming the key at fault.
MysqlConfig parse_config(const plugin_api::ConfigSection& section);

// The connection string SOCI's MySQL backend reads, every value quoted, charset utf8mb4.
std::string connection_string(const MysqlConfig& config);

// The migrations embedded from sql/mysql/ at build time.
const std::vector<sql::Migration>& builtin_migrations();

// Also the ClusterCoordination of several control planes on the database (ABI 1.9,
// docs/ha.md): the leadership is a named lock (GET_LOCK) held by a session of its own, which the
// server releases when that session ends. MariaDB carries no notifications between sessions, so
// notifies() is false: a poll parked on one control plane sees another's work on its re-check
// timer.
class MysqlBackend final : public sql::SociBackend, public plugin_api::ClusterCoordination {
  public:
    MysqlBackend(MysqlConfig config, std::shared_ptr<plugin_api::Logger> logger,
                 std::vector<sql::Migration> migrations = builtin_migrations());
    ~MysqlBackend() override;

    void close() noexcept override;

    bool hold_leadership() noexcept override;
    void resign_leadership() noexcept override;
    bool notifies() const noexcept override { return false; }
    void publish(const std::string&, const std::vector<std::string>&) override {}
    void listen(const std::vector<std::string>& channels,
                plugin_api::ClusterListener& listener) override;
    void stop_listening() noexcept override {}

  private:
    std::unique_ptr<soci::session> connect() override;
    std::string describe() const override;
    std::string opened_details(soci::session& first) override;

    const MysqlConfig config_;
    std::mutex leader_mutex_;
    std::unique_ptr<soci::session> leader_;  // holds the lock while connected
};

}  // namespace vergegrid::plugins::mysql
