// StorageBackend over one SQLite database file through SOCI (kind "storage", name "sqlite"): a
// pool of connections to the file in WAL mode, so readers run alongside the one writer.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "migrations.hpp"
#include "soci_backend.hpp"
#include "wal_checkpointer.hpp"

namespace vergegrid::plugins::sqlite {

inline constexpr int kDefaultBusyTimeoutMs = 5000;
inline constexpr int kDefaultPoolSize = 4;
inline constexpr int kMaxPoolSize = 64;
inline constexpr const char* kDefaultFileName = "vergegrid.db";
inline constexpr int kMinCheckpointPages = 100;
inline constexpr int kMaxCheckpointPages = 1'000'000;  // 4 GB of WAL at 4 KiB pages
// How much of the database file each connection maps into memory (address space, not RSS: the
// pages are the page cache's, shared by all connections).
inline constexpr long long kMmapBytes = 256LL * 1024 * 1024;

struct SqliteConfig {
    std::filesystem::path path;
    // How long a connection waits for a lock, and begin() for a free connection.
    int busy_timeout_ms = kDefaultBusyTimeoutMs;
    int pool_size = kDefaultPoolSize;
    // The WAL length at which the checkpointer thread copies it back (wal_checkpointer.hpp).
    int checkpoint_pages = WalCheckpointer::kDefaultThresholdPages;
};

// Reads the plugin's section: `path` (default <data_dir>/vergegrid.db), `busy_timeout_ms`
// (default 5000, a positive integer), `pool_size` (default 4, 1..64) and `checkpoint_pages`
// (default WalCheckpointer::kDefaultThresholdPages, 100..1,000,000). Throws
// plugin_api::ConfigError naming the key at fault.
SqliteConfig parse_config(const plugin_api::ConfigSection& section, const std::string& data_dir);

// Sets the per-connection pragmas every session of the plugin runs with (busy_timeout,
// journal_mode=WAL, foreign_keys=ON, synchronous=NORMAL, mmap_size, case_sensitive_like=ON) and
// returns the journal mode SQLite reports afterwards ("wal", or e.g. "memory" for an in-memory
// database).
std::string configure_session(soci::session& sql, int busy_timeout_ms);

// The migrations embedded from sql/sqlite/ at build time.
const std::vector<sql::Migration>& builtin_migrations();

class SqliteBackend final : public sql::SociBackend {
  public:
    SqliteBackend(SqliteConfig config, std::shared_ptr<plugin_api::Logger> logger,
                  std::vector<sql::Migration> migrations = builtin_migrations());
    ~SqliteBackend() override;

    // The pool's open() and close(), with the WAL checkpointer's thread started after and
    // stopped before.
    void open() override;
    void close() noexcept override;

    const SqliteConfig& config() const noexcept { return config_; }
    // The threshold its WAL checkpointer runs with (config's checkpoint_pages).
    int checkpoint_threshold_pages() const noexcept { return checkpointer_.threshold_pages(); }

  private:
    std::unique_ptr<soci::session> connect() override;
    std::string describe() const override;
    // Creates the file's missing directories (0700) and the file itself (0600), so that the
    // database, its -wal and -shm files are private to the control plane's user.
    void prepare_open() override;
    std::string opened_details(soci::session& first) override;

    const SqliteConfig config_;
    WalCheckpointer checkpointer_;
};

}  // namespace vergegrid::plugins::sqlite
