// The StorageBackend every SQL plugin shares: a pool of SOCI sessions, the migration run at
// open(), and transactions over leased sessions. A plugin derives from it to say how to connect
// and how to describe its database.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connection_pool.hpp"
#include "dialect.hpp"
#include "migrations.hpp"
#include "vergegrid/plugin_api/logger.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "writer_gate.hpp"

namespace vergegrid::plugins::sql {

struct PoolSettings {
    std::size_t size = 4;
    // How long begin() waits for a free connection before StorageBusy.
    std::chrono::milliseconds acquire_timeout{10000};
};

class SociBackend : public plugin_api::StorageBackend {
  public:
    ~SociBackend() override;

    SociBackend(const SociBackend&) = delete;
    SociBackend& operator=(const SociBackend&) = delete;

    // Connects pool.size sessions, runs the migrations on the first one, logs one line. A no-op
    // when already open. Throws std::runtime_error starting "cannot open <describe()>: ".
    void open() override;
    plugin_api::StorageHealth health() noexcept override;
    // Drops the pool. Transactions still running keep their session until they end.
    void close() noexcept override;
    std::unique_ptr<plugin_api::StorageTransaction> begin(plugin_api::Access access) override;

    const PoolSettings& pool_settings() const noexcept { return pool_settings_; }

  protected:
    SociBackend(const Dialect& dialect, std::vector<Migration> migrations, PoolSettings pool,
                std::shared_ptr<plugin_api::Logger> logger);

    // One new session, with every per-connection setting applied. Called from open() and
    // whenever the pool replaces a broken connection (from any thread).
    virtual std::unique_ptr<soci::session> connect() = 0;
    // "SQLite database /var/lib/vergegrid/vergegrid.db", for log lines and errors.
    virtual std::string describe() const = 0;
    // Runs first in open(), e.g. to create the database file's directory.
    virtual void prepare_open() {}
    // Extra "key=value, " text for the "opened" log line, read from the first session.
    virtual std::string opened_details(soci::session& first);

    void log(plugin_api::LogLevel level, const std::string& message) const noexcept;

  private:
    std::shared_ptr<ConnectionPool> current_pool();
    std::unique_ptr<plugin_api::StorageTransaction> begin_on_a_connection(
        plugin_api::Access access);

    const Dialect& dialect_;
    const std::vector<Migration> migrations_;
    const PoolSettings pool_settings_;
    const std::shared_ptr<plugin_api::Logger> logger_;

    std::mutex mutex_;  // guards pool_ (not the sessions: each is leased to one user at a time)
    std::shared_ptr<ConnectionPool> pool_;
    const WriterGate writer_gate_;
};

}  // namespace vergegrid::plugins::sql
