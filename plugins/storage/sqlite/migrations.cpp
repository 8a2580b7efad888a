#include "migrations.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>
#include <string>

#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::plugins::sqlite {

namespace {

constexpr const char* kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, "
    "applied_at TEXT NOT NULL)";

// SOCI prepares one statement at a time; a migration script may hold several, so it goes through
// sqlite3_exec on the session's own connection (and so inside the session's transaction).
void exec_script(soci::session& sql, const std::string& script) {
    // libsoci_sqlite3 exports no typeinfo for its session backend: check the name, then
    // static_cast (single, non-virtual inheritance).
    if (sql.get_backend() == nullptr || sql.get_backend_name() != "sqlite3") {
        throw std::logic_error("run_migrations needs an open session of SOCI's sqlite3 backend");
    }
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    char* error = nullptr;
    const int rc =
        sqlite_api::sqlite3_exec(backend->conn_, script.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error != nullptr ? error : sqlite_api::sqlite3_errstr(rc);
        sqlite_api::sqlite3_free(error);
        throw std::runtime_error(message);
    }
}

void log_info(plugin_api::Logger* logger, const std::string& message) {
    if (logger != nullptr) {
        logger->info(message);
    }
}

}  // namespace

const std::vector<Migration>& builtin_migrations() {
    // The real schema arrives with its own issue; append migrations here, never edit old ones.
    static const std::vector<Migration> migrations{};
    return migrations;
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

int current_schema_version(soci::session& sql) {
    int exists = 0;
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
           "'schema_migrations'",
        soci::into(exists);
    if (exists == 0) {
        return 0;
    }
    int version = 0;
    sql << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", soci::into(version);
    return version;
}

MigrationResult run_migrations(soci::session& sql, std::span<const Migration> migrations,
                               plugin_api::Logger* logger) {
    validate_migrations(migrations);
    const int newest_known = migrations.empty() ? 0 : migrations.back().version;

    sql << kCreateSchemaMigrations;

    MigrationResult result;
    result.from_version = current_schema_version(sql);
    result.to_version = result.from_version;
    if (result.from_version > newest_known) {
        throw std::runtime_error(
            "the database is at schema version " + std::to_string(result.from_version) +
            ", newer than the newest this build knows (" + std::to_string(newest_known) +
            "); it was written by a newer VergeGrid: upgrade, or point storage at another "
            "database");
    }

    for (const auto& migration : migrations) {
        if (migration.version <= result.to_version) {
            continue;
        }
        const std::string label =
            "migration " + std::to_string(migration.version) + " (" + migration.name + ")";
        log_info(logger, "applying " + label);
        try {
            soci::transaction transaction(sql);
            exec_script(sql, migration.sql);
            sql << "INSERT INTO schema_migrations (version, name, applied_at) "
                   "VALUES (:version, :name, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                soci::use(migration.version, "version"), soci::use(migration.name, "name");
            transaction.commit();
        } catch (const std::exception& e) {
            throw std::runtime_error(label + " failed, rolled back: " + e.what());
        }
        result.to_version = migration.version;
        result.applied.push_back(migration.version);
    }
    return result;
}

}  // namespace vergegrid::plugins::sqlite
