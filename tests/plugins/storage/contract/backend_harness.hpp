// What the contract suite needs from each backend under test: a fresh, empty database per test,
// the plugin configuration pointing at it, and a direct SOCI session to it (for the few checks
// that look under the contract: schema_migrations, cascades, a database from a newer schema).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "vergegrid/plugin_api/plugin.hpp"

namespace soci {
class session;
}

namespace vergegrid::test::storage {

class BackendHarness {
  public:
    virtual ~BackendHarness() = default;

    // "sqlite", "postgresql" or "mysql": the plugin's name.
    virtual std::string name() const = 0;
    // The plugin's section for this test's database; `extra` keys override.
    virtual plugin_api::ConfigSection config() const = 0;
    // A connection of the test's own to the same database.
    virtual std::unique_ptr<soci::session> direct() const = 0;
    // The data directory handed to the plugin (the sqlite plugin's default location).
    virtual std::string data_dir() const = 0;
};

// Creates a fresh database for `backend`. For postgresql and mysql it reads the throwaway
// server's connection values from the file named by VERGEGRID_TEST_POSTGRESQL_ENV /
// VERGEGRID_TEST_MARIADB_ENV (set by CTest, fixtures db.postgresql / db.mariadb); throws
// std::runtime_error saying what is missing otherwise. The database is dropped on destruction.
std::unique_ptr<BackendHarness> make_harness(const std::string& backend);

// The plugin module built for `backend` (vg-storage-<backend>.so).
std::filesystem::path plugin_file(const std::string& backend);

// sql/<backend>/NNN_name.sql of the source tree: the migrations the plugin must have recorded.
std::filesystem::path sql_dir(const std::string& backend);

}  // namespace vergegrid::test::storage
