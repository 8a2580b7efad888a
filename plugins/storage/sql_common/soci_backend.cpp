#include "soci_backend.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <utility>

#include "errors.hpp"
#include "name_folding.hpp"
#include "schema_edit.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {
std::vector<Migration> with_checks(std::vector<Migration> migrations, const Dialect& dialect) {
    for (auto& migration : migrations) {
        attach_migration_check(migration, dialect);
        attach_schema_edit(migration, dialect);
    }
    return migrations;
}
}  // namespace

SociBackend::SociBackend(const Dialect& dialect, std::vector<Migration> migrations,
                         PoolSettings pool, std::shared_ptr<api::Logger> logger)
    : dialect_(dialect),
      migrations_(with_checks(std::move(migrations), dialect)),
      pool_settings_(pool),
      logger_(std::move(logger)) {
    validate_migrations(migrations_);
    if (pool_settings_.size == 0) {
        throw std::invalid_argument("pool size must be at least 1");
    }
}

SociBackend::~SociBackend() {
    // Derived classes call close() in their own destructors, while connect() still exists;
    // this one only drops what is left.
    const std::lock_guard lock(mutex_);
    pool_.reset();
}

std::string SociBackend::opened_details(soci::session&) {
    return {};
}

void SociBackend::open() {
    const std::lock_guard lock(mutex_);
    if (pool_) {
        return;
    }
    const std::string what = describe();
    try {
        prepare_open();
        auto first = connect();
        const MigrationResult migrated =
            run_migrations(*first, dialect_, migrations_, logger_.get());
        const std::string details = opened_details(*first);
        pool_ = ConnectionPool::create(
            pool_settings_.size, [this] { return connect(); }, std::move(first));
        log(api::LogLevel::info,
            "opened " + what + " (" + details + "pool_size=" + std::to_string(pool_settings_.size) +
                ", schema version " + std::to_string(migrated.to_version) + ")");
    } catch (const std::exception& e) {
        // Not logged here: the host reports the exception, with the plugin's name.
        throw std::runtime_error("cannot open " + what + ": " + e.what());
    }
}

std::shared_ptr<ConnectionPool> SociBackend::current_pool() {
    const std::lock_guard lock(mutex_);
    return pool_;
}

api::StorageHealth SociBackend::health() noexcept {
    try {
        const auto pool = current_pool();
        if (!pool) {
            return {false, describe() + " is closed"};
        }
        auto lease = pool->acquire(pool_settings_.acquire_timeout);
        int one = 0;
        try {
            lease.session() << "SELECT 1", soci::into(one);
        } catch (...) {
            lease.mark_broken();  // the next user gets a fresh connection
            throw;
        }
        if (one != 1) {
            return {false, "SELECT 1 returned " + std::to_string(one)};
        }
        return {true, describe()};
    } catch (const std::exception& e) {
        return {false, e.what()};
    } catch (...) {
        return {false, "unknown error"};
    }
}

void SociBackend::close() noexcept {
    try {
        std::shared_ptr<ConnectionPool> pool;
        {
            const std::lock_guard lock(mutex_);
            pool = std::move(pool_);
        }
        if (pool) {
            pool.reset();  // sessions close here, or when the last transaction ends
            log(api::LogLevel::info, "closed " + describe());
        }
    } catch (...) {
        // Nothing sensible to do: close() must not throw.
    }
}

std::unique_ptr<api::StorageTransaction> SociBackend::begin(api::Access access) {
    // A pooled connection the database dropped fails at its first statement and is replaced:
    // the transaction starts once more, on a fresh one, so that a database restart or a network
    // blip costs no request for each connection the pool held. Once only: a database still away
    // fails the request.
    try {
        return begin_on_a_connection(access);
    } catch (const ConnectionLostAtBegin& e) {
        log(api::LogLevel::warn, std::string(e.what()) + "; beginning again on a new connection");
    }
    return begin_on_a_connection(access);
}

std::unique_ptr<api::StorageTransaction> SociBackend::begin_on_a_connection(api::Access access) {
    const auto pool = current_pool();
    if (!pool) {
        throw api::StorageError(describe() + " is closed");
    }
    // The writer's turn comes before its connection, so queued writers hold no connection.
    WriterGate::Turn turn;
    if (access == api::Access::read_write && dialect_.gate_writers_in_process) {
        turn = writer_gate_.wait(pool_settings_.acquire_timeout, "begin read-write transaction");
    }
    return std::make_unique<SociTransaction>(pool->acquire(pool_settings_.acquire_timeout),
                                             dialect_, access, std::move(turn));
}

void SociBackend::log(api::LogLevel level, const std::string& message) const noexcept {
    if (logger_ && logger_->enabled(level)) {
        logger_->log(level, message);
    }
}

}  // namespace vergegrid::plugins::sql
