// StorageBackend over a MariaDB or MySQL database through SOCI (kind "storage", name "mysql"): a
// pool of utf8mb4 connections; read-write transactions serialise on the grid_lock row.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "migrations.hpp"
#include "soci_backend.hpp"

namespace vergegrid::plugins::mysql {

inline constexpr int kDefaultPoolSize = 4;
inline constexpr int kMaxPoolSize = 64;
inline constexpr int kDefaultConnectTimeoutS = 10;
// How long a transaction waits for the grid lock (innodb_lock_wait_timeout, whole seconds) and
// begin() for a free connection.
inline constexpr int kLockTimeoutS = 10;

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

class MysqlBackend final : public sql::SociBackend {
  public:
    MysqlBackend(MysqlConfig config, std::shared_ptr<plugin_api::Logger> logger,
                 std::vector<sql::Migration> migrations = builtin_migrations());
    ~MysqlBackend() override;

  private:
    std::unique_ptr<soci::session> connect() override;
    std::string describe() const override;
    std::string opened_details(soci::session& first) override;

    const MysqlConfig config_;
};

}  // namespace vergegrid::plugins::mysql
