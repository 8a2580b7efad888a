// StorageBackend over a PostgreSQL database through SOCI (kind "storage", name "postgresql"): a
// pool of connections; read-write transactions serialise on the grid_lock row.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "migrations.hpp"
#include "postgresql_cluster.hpp"
#include "soci_backend.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"

namespace vergegrid::plugins::postgresql {

inline constexpr int kDefaultPoolSize = 4;
inline constexpr int kMaxPoolSize = 64;
inline constexpr int kDefaultConnectTimeoutS = 10;
// How long a transaction waits for the grid lock (lock_timeout) and begin() for a connection.
inline constexpr int kLockTimeoutMs = 10000;

struct PostgresqlConfig {
    std::string host = "localhost";
    int port = 5432;
    std::string dbname = "vergegrid";
    std::string user = "vergegrid";
    std::string password;
    int pool_size = kDefaultPoolSize;
    int connect_timeout_s = kDefaultConnectTimeoutS;
    std::string sslmode =
        "prefer";  // libpq's: disable, allow, prefer, require, verify-ca, verify-full
};

// Reads the plugin's section (keys host, port, dbname, user, password, pool_size,
// connect_timeout_s, sslmode). Throws plugin_api::ConfigError naming the key at fault.
PostgresqlConfig parse_config(const plugin_api::ConfigSection& section);

// The libpq connection string for `config`, every value quoted; NOTICE lines are silenced
// (libpq would print them on stderr).
std::string connection_string(const PostgresqlConfig& config);

// The migrations embedded from sql/postgresql/ at build time.
const std::vector<sql::Migration>& builtin_migrations();

// Also the ClusterCoordination of several control planes on the database (ABI 1.9,
// postgresql_cluster.hpp).
class PostgresqlBackend final : public sql::SociBackend, public plugin_api::ClusterCoordination {
  public:
    PostgresqlBackend(PostgresqlConfig config, std::shared_ptr<plugin_api::Logger> logger,
                      std::vector<sql::Migration> migrations = builtin_migrations());
    ~PostgresqlBackend() override;

    void close() noexcept override;

    bool hold_leadership() noexcept override { return cluster_.hold_leadership(); }
    void resign_leadership() noexcept override { cluster_.resign_leadership(); }
    bool notifies() const noexcept override { return true; }
    void publish(const std::string& channel, const std::vector<std::string>& payloads) override {
        cluster_.publish(channel, payloads);
    }
    void listen(const std::vector<std::string>& channels,
                plugin_api::ClusterListener& listener) override {
        cluster_.listen(channels, listener);
    }
    void stop_listening() noexcept override { cluster_.stop_listening(); }

  private:
    std::unique_ptr<soci::session> connect() override;
    std::string describe() const override;
    std::string opened_details(soci::session& first) override;

    const PostgresqlConfig config_;
    PostgresqlCluster cluster_;
};

}  // namespace vergegrid::plugins::postgresql
