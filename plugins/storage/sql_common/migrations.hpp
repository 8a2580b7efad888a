// The schema seam shared by every SQL storage plugin: an ordered list of migrations and the runner
// that brings a database up to the newest of them, on any SOCI session.
//
// Rules for a migration (sql/README.md):
// - versions start at 1 and only grow; a released migration is never edited or renumbered;
// - its SQL may hold several statements, each ending with ';' at the end of a line (see
//   split_statements); it must not BEGIN/COMMIT itself;
// - where the database has transactional DDL (SQLite, PostgreSQL) the runner wraps each migration
//   and its schema_migrations row in one transaction, so it applies completely or not at all.
//   MariaDB/MySQL commit every DDL statement implicitly: there a migration failing half-way leaves
//   its first statements applied, and the runner records each migration right after it;
// - a database whose highest recorded version is newer than the newest known migration is
//   refused: it belongs to a newer VergeGrid, and writing to it could corrupt it.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace vergegrid::plugin_api {
class Logger;
}

namespace vergegrid::plugins::sql {

struct Dialect;

struct Migration {
    int version = 0;
    std::string name;  // short, for logs and schema_migrations.name
    std::string sql;   // one or more statements, see split_statements
    // Run before the statements, in the migration's transaction (with the migration lock held):
    // throws std::runtime_error to refuse a database the migration cannot take as it is. Empty
    // for most; checks in C++ what plain SQL cannot report clearly (name_folding.hpp).
    std::function<void(soci::session&)> check = {};
    // Run after the statements, in the same transaction: finishes what SQL alone cannot (a
    // SQLite schema edited in place needs its schema version bumped, schema_edit.hpp). Throws
    // std::runtime_error to roll the migration back.
    std::function<void(soci::session&)> finish = {};
};

struct MigrationResult {
    int from_version = 0;      // highest version recorded before the run; 0 for a new database
    int to_version = 0;        // highest version recorded after the run
    std::vector<int> applied;  // versions applied by this run, in order
};

// Splits a migration script into statements: a statement ends at a line whose last non-blank
// character is ';' (the ';' is dropped). Whole-line '--' comments and blank statements are
// dropped. A ';' anywhere else on a line does not end a statement: our .sql files keep one
// statement terminator per line end, and this needs no SQL parser.
std::vector<std::string> split_statements(std::string_view script);

// Throws std::invalid_argument unless versions are positive and strictly ascending.
void validate_migrations(std::span<const Migration> migrations);

// Highest version recorded in schema_migrations (0 when the table is empty or absent).
int current_schema_version(soci::session& sql, const Dialect& dialect);

// Creates schema_migrations if absent, refuses a database newer than `migrations` (a
// std::runtime_error naming both versions), then applies every migration newer than the
// database. A failed migration throws std::runtime_error naming it; the ones before it stay
// applied. Safe against another process migrating the same database at the same time.
MigrationResult run_migrations(soci::session& sql, const Dialect& dialect,
                               std::span<const Migration> migrations,
                               plugin_api::Logger* logger = nullptr);

}  // namespace vergegrid::plugins::sql
