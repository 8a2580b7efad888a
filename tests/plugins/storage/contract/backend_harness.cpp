#include "backend_harness.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include "../sqlite_test_support.hpp"

namespace vergegrid::test::storage {

namespace fs = std::filesystem;
using Values = std::map<std::string, std::string>;

namespace {

// KEY=VALUE lines written by tests/db/throwaway-*.
Values read_env_file(const char* variable, const char* fixture) {
    const char* path = std::getenv(variable);
    if (path == nullptr || *path == '\0') {
        throw std::runtime_error(std::string(variable) +
                                 " is not set: run this test through ctest, which starts the "
                                 "throwaway server first (fixture test " +
                                 fixture + ")");
    }
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(std::string("cannot read ") + path + " (from " + variable +
                                 "): did " + fixture + " fail?");
    }
    Values values;
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            values[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    for (const char* key :
         {"VG_DB_HOST", "VG_DB_PORT", "VG_DB_NAME", "VG_DB_USER", "VG_DB_PASSWORD"}) {
        if (values.count(key) == 0) {
            throw std::runtime_error(std::string(path) + " has no " + key);
        }
    }
    return values;
}

// Unique per process and call: ctest runs each test in a process of its own, in parallel.
std::string fresh_database_name() {
    static std::atomic<int> counter{0};
    return "vgtest_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

class SqliteHarness final : public BackendHarness {
  public:
    std::string name() const override { return "sqlite"; }
    plugin_api::ConfigSection config() const override {
        return {{"path", file_.string()}, {"busy_timeout_ms", "5000"}};
    }
    std::unique_ptr<soci::session> direct() const override {
        return std::make_unique<soci::session>(*soci::factory_sqlite3(), file_.string());
    }
    std::string data_dir() const override { return dir_.path().string(); }

  private:
    TempDir dir_;
    fs::path file_ = dir_.path() / "contract.db";
};

// A server database created for one test and dropped after it. Database names cannot be bound
// parameters; this one is made by the test itself (digits and '_'), never taken from input.
class ServerHarness : public BackendHarness {
  public:
    ~ServerHarness() override = default;

    plugin_api::ConfigSection config() const override { return config_; }
    std::string data_dir() const override { return dir_.path().string(); }

  protected:
    Values server_;
    std::string database_ = fresh_database_name();
    plugin_api::ConfigSection config_;
    TempDir dir_;
};

class PostgresqlHarness final : public ServerHarness {
  public:
    PostgresqlHarness() {
        server_ = read_env_file("VERGEGRID_TEST_POSTGRESQL_ENV", "db.postgresql.start");
        {
            auto admin = connect(server_["VG_DB_NAME"]);
            *admin << "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)";
            *admin << "CREATE DATABASE " + database_;
        }
        config_ = {{"host", server_["VG_DB_HOST"]},
                   {"port", server_["VG_DB_PORT"]},
                   {"dbname", database_},
                   {"user", server_["VG_DB_USER"]},
                   {"password", server_["VG_DB_PASSWORD"]},
                   {"sslmode", "disable"},
                   {"connect_timeout_s", "10"}};
    }
    ~PostgresqlHarness() override {
        try {
            auto admin = connect(server_["VG_DB_NAME"]);
            *admin << "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)";
        } catch (...) {
            // The server is thrown away after the suite anyway.
        }
    }
    std::string name() const override { return "postgresql"; }
    std::unique_ptr<soci::session> direct() const override { return connect(database_); }

  private:
    std::unique_ptr<soci::session> connect(const std::string& dbname) const {
        const std::string conninfo = "host=" + server_.at("VG_DB_HOST") +
                                     " port=" + server_.at("VG_DB_PORT") + " dbname=" + dbname +
                                     " user=" + server_.at("VG_DB_USER") +
                                     " password=" + server_.at("VG_DB_PASSWORD") +
                                     " options='-c client_min_messages=warning'";
        return std::make_unique<soci::session>(*soci::factory_postgresql(), conninfo);
    }
};

class MysqlHarness final : public ServerHarness {
  public:
    MysqlHarness() {
        server_ = read_env_file("VERGEGRID_TEST_MARIADB_ENV", "db.mariadb.start");
        {
            auto admin = connect(server_["VG_DB_NAME"]);
            *admin << "DROP DATABASE IF EXISTS " + database_;
            *admin << "CREATE DATABASE " + database_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        }
        config_ = {{"host", server_["VG_DB_HOST"]},
                   {"port", server_["VG_DB_PORT"]},
                   {"db", database_},
                   {"user", server_["VG_DB_USER"]},
                   {"password", server_["VG_DB_PASSWORD"]},
                   {"connect_timeout_s", "10"}};
    }
    ~MysqlHarness() override {
        try {
            auto admin = connect(server_["VG_DB_NAME"]);
            *admin << "DROP DATABASE IF EXISTS " + database_;
        } catch (...) {
            // The server is thrown away after the suite anyway.
        }
    }
    std::string name() const override { return "mysql"; }
    std::unique_ptr<soci::session> direct() const override { return connect(database_); }

  private:
    std::unique_ptr<soci::session> connect(const std::string& db) const {
        const std::string connect_string =
            "host=" + server_.at("VG_DB_HOST") + " port=" + server_.at("VG_DB_PORT") + " db=" + db +
            " user=" + server_.at("VG_DB_USER") + " password=" + server_.at("VG_DB_PASSWORD") +
            " charset=utf8mb4";
        return std::make_unique<soci::session>(*soci::factory_mysql(), connect_string);
    }
};

}  // namespace

std::unique_ptr<BackendHarness> make_harness(const std::string& backend) {
    if (backend == "sqlite") {
        return std::make_unique<SqliteHarness>();
    }
    if (backend == "postgresql") {
        return std::make_unique<PostgresqlHarness>();
    }
    if (backend == "mysql") {
        return std::make_unique<MysqlHarness>();
    }
    throw std::invalid_argument("no harness for backend '" + backend + "'");
}

fs::path plugin_file(const std::string& backend) {
    if (backend == "sqlite") {
        return VG_STORAGE_SQLITE_PLUGIN;
    }
    if (backend == "postgresql") {
        return VG_STORAGE_POSTGRESQL_PLUGIN;
    }
    if (backend == "mysql") {
        return VG_STORAGE_MYSQL_PLUGIN;
    }
    throw std::invalid_argument("no plugin for backend '" + backend + "'");
}

fs::path sql_dir(const std::string& backend) {
    return fs::path(VG_SQL_DIR) / backend;
}

}  // namespace vergegrid::test::storage
