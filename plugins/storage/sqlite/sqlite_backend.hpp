// StorageBackend over one SQLite database file through SOCI (kind "storage", name "sqlite").
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "migrations.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace vergegrid::plugins::sqlite {

inline constexpr int kDefaultBusyTimeoutMs = 5000;
inline constexpr const char* kDefaultFileName = "vergegrid.db";

struct SqliteConfig {
    std::filesystem::path path;
    int busy_timeout_ms = kDefaultBusyTimeoutMs;
};

// Reads the plugin's section: `path` (default <data_dir>/vergegrid.db) and `busy_timeout_ms`
// (default 5000, a positive integer). Throws plugin_api::ConfigError naming the key at fault.
SqliteConfig parse_config(const plugin_api::ConfigSection& section, const std::string& data_dir);

// Sets the per-connection pragmas every session of the plugin runs with (busy_timeout,
// journal_mode=WAL, foreign_keys=ON, synchronous=NORMAL) and returns the journal mode SQLite
// reports afterwards ("wal", or e.g. "memory" for an in-memory database).
std::string configure_session(soci::session& sql, int busy_timeout_ms);

class SqliteBackend final : public plugin_api::StorageBackend {
  public:
    SqliteBackend(SqliteConfig config, std::shared_ptr<plugin_api::Logger> logger,
                  std::vector<Migration> migrations = builtin_migrations());
    ~SqliteBackend() override;

    SqliteBackend(const SqliteBackend&) = delete;
    SqliteBackend& operator=(const SqliteBackend&) = delete;

    // Creates the parent directory if needed, opens the file, sets the pragmas and runs the
    // migrations. A no-op when already open. Throws std::runtime_error naming the file.
    void open() override;
    plugin_api::StorageHealth health() noexcept override;
    void close() noexcept override;

    const SqliteConfig& config() const noexcept { return config_; }

  private:
    void log(plugin_api::LogLevel level, const std::string& message) const noexcept;

    const SqliteConfig config_;
    const std::shared_ptr<plugin_api::Logger> logger_;
    const std::vector<Migration> migrations_;

    std::mutex mutex_;  // guards session_ (a SOCI session is not thread-safe)
    std::unique_ptr<soci::session> session_;
};

}  // namespace vergegrid::plugins::sqlite
