#include "migrations.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <string>

#include "clock.hpp"
#include "dialect.hpp"
#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::plugins::sql {

namespace {

// The same text in every dialect: plain types, no engine options (MariaDB takes the database's
// default charset), created by the runner so that it exists before the first migration.
constexpr const char* kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER NOT NULL PRIMARY KEY, "
    "name VARCHAR(255) NOT NULL, "
    "applied_at VARCHAR(32) NOT NULL)";

void log_info(plugin_api::Logger* logger, const std::string& message) {
    if (logger != nullptr) {
        logger->info(message);
    }
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Holds the dialect's session-wide migration lock (MariaDB GET_LOCK) for one run.
class SessionMigrationLock {
  public:
    SessionMigrationLock(soci::session& sql, const Dialect& dialect)
        : sql_(sql), dialect_(dialect) {
        if (dialect_.session_lock_migrations.empty()) {
            return;
        }
        int granted = 0;
        soci::indicator ind = soci::i_null;
        sql_ << dialect_.session_lock_migrations, soci::into(granted, ind);
        if (ind != soci::i_ok || granted != 1) {
            throw std::runtime_error(
                "timed out waiting for another process to finish migrating this database");
        }
        held_ = true;
    }
    ~SessionMigrationLock() {
        if (!held_) {
            return;
        }
        try {
            int released = 0;
            soci::indicator ind = soci::i_null;
            sql_ << dialect_.session_unlock_migrations, soci::into(released, ind);
        } catch (...) {
            // The lock dies with the connection anyway.
        }
    }
    SessionMigrationLock(const SessionMigrationLock&) = delete;
    SessionMigrationLock& operator=(const SessionMigrationLock&) = delete;

  private:
    soci::session& sql_;
    const Dialect& dialect_;
    bool held_ = false;
};

void record(soci::session& sql, const Migration& migration) {
    const std::string applied_at = utc_now_iso8601();
    sql << "INSERT INTO schema_migrations (version, name, applied_at) "
           "VALUES (:version, :name, :applied_at)",
        soci::use(migration.version, "version"), soci::use(migration.name, "name"),
        soci::use(applied_at, "applied_at");
}

// Applies one migration; returns false when another process applied it meanwhile.
bool apply(soci::session& sql, const Dialect& dialect, const Migration& migration) {
    const std::vector<std::string> statements = split_statements(migration.sql);
    if (!dialect.transactional_ddl) {
        // Every DDL statement commits by itself: run them, then record at once.
        if (current_schema_version(sql, dialect) >= migration.version) {
            return false;
        }
        if (migration.check) {
            migration.check(sql);
        }
        for (const auto& statement : statements) {
            sql << statement;
        }
        if (migration.finish) {
            migration.finish(sql);
        }
        record(sql, migration);
        return true;
    }

    sql << dialect.begin_migration;
    try {
        if (!dialect.lock_migrations_in_transaction.empty()) {
            sql << dialect.lock_migrations_in_transaction;
        }
        if (current_schema_version(sql, dialect) >= migration.version) {
            sql << dialect.rollback;
            return false;
        }
        if (migration.check) {
            migration.check(sql);
        }
        for (const auto& statement : statements) {
            sql << statement;
        }
        if (migration.finish) {
            migration.finish(sql);
        }
        record(sql, migration);
        sql << dialect.commit;
    } catch (...) {
        try {
            sql << dialect.rollback;
        } catch (...) {
            // The original error is the one worth reporting.
        }
        throw;
    }
    return true;
}

}  // namespace

std::vector<std::string> split_statements(std::string_view script) {
    std::vector<std::string> statements;
    std::string current;
    std::size_t pos = 0;
    while (pos < script.size()) {
        std::size_t end = script.find('\n', pos);
        if (end == std::string_view::npos) {
            end = script.size();
        }
        std::string_view line = script.substr(pos, end - pos);
        pos = end + 1;

        const std::size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line.substr(first, 2) == "--") {
            continue;  // blank line or whole-line comment
        }
        const std::size_t last = line.find_last_not_of(" \t\r");
        line = line.substr(0, last + 1);
        if (line.back() == ';') {
            current.append(line.substr(0, line.size() - 1));
            if (!blank(current)) {
                statements.push_back(std::move(current));
            }
            current.clear();
        } else {
            current.append(line);
            current.push_back('\n');
        }
    }
    if (!blank(current)) {
        // The last statement may omit its ';'.
        current.erase(current.find_last_not_of(" \t\r\n") + 1);
        statements.push_back(std::move(current));
    }
    return statements;
}

void validate_migrations(std::span<const Migration> migrations) {
    int previous = 0;
    for (const auto& migration : migrations) {
        if (migration.version <= previous) {
            throw std::invalid_argument("migration list out of order: version " +
                                        std::to_string(migration.version) + " ('" + migration.name +
                                        "') follows version " + std::to_string(previous));
        }
        previous = migration.version;
    }
}

int current_schema_version(soci::session& sql, const Dialect& dialect) {
    int exists = 0;
    sql << dialect.schema_migrations_exists, soci::into(exists);
    if (exists == 0) {
        return 0;
    }
    int version = 0;
    sql << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", soci::into(version);
    return version;
}

MigrationResult run_migrations(soci::session& sql, const Dialect& dialect,
                               std::span<const Migration> migrations, plugin_api::Logger* logger) {
    validate_migrations(migrations);
    const int newest_known = migrations.empty() ? 0 : migrations.back().version;

    MigrationResult result;
    result.from_version = current_schema_version(sql, dialect);
    // Checked before anything is written: a refused database is not touched.
    if (result.from_version > newest_known) {
        throw std::runtime_error(
            "the database is at schema version " + std::to_string(result.from_version) +
            ", newer than the newest this build knows (" + std::to_string(newest_known) +
            "); it was written by a newer VergeGrid: upgrade, or point storage at another "
            "database");
    }
    sql << kCreateSchemaMigrations;

    const SessionMigrationLock lock(sql, dialect);
    result.to_version = current_schema_version(sql, dialect);
    for (const auto& migration : migrations) {
        if (migration.version <= result.to_version) {
            continue;
        }
        const std::string label =
            "migration " + std::to_string(migration.version) + " (" + migration.name + ")";
        log_info(logger, "applying " + label);
        bool applied = false;
        try {
            applied = apply(sql, dialect, migration);
        } catch (const std::exception& e) {
            throw std::runtime_error(label + " failed" +
                                     (dialect.transactional_ddl
                                          ? ", rolled back: "
                                          : " (this database commits DDL statement by statement: "
                                            "check for a partly applied migration): ") +
                                     e.what());
        }
        result.to_version = migration.version;
        if (applied) {
            result.applied.push_back(migration.version);
        }
    }
    return result;
}

}  // namespace vergegrid::plugins::sql
