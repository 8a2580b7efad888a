// The schema seam of the SQLite storage plugin: an ordered list of migrations and the runner that
// brings a database up to the newest of them.
//
// Rules for a migration:
// - versions start at 1 and only grow; a released migration is never edited or renumbered;
// - its SQL may hold several statements but must not BEGIN/COMMIT itself: the runner wraps each
//   migration and its schema_migrations row in one transaction, so it applies completely or not
//   at all;
// - a database whose highest recorded version is newer than the newest known migration is
//   refused: it belongs to a newer VergeGrid, and writing to it could corrupt it.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace vergegrid::plugin_api {
class Logger;
}

namespace vergegrid::plugins::sqlite {

struct Migration {
    int version = 0;
    std::string name;  // short, for logs and schema_migrations.name
    std::string sql;   // one or more statements, run with sqlite3_exec
};

struct MigrationResult {
    int from_version = 0;      // highest version recorded before the run; 0 for a new database
    int to_version = 0;        // highest version recorded after the run
    std::vector<int> applied;  // versions applied by this run, in order
};

// The migrations this build knows, in ascending order. Empty until the first schema lands.
const std::vector<Migration>& builtin_migrations();

// Throws std::invalid_argument unless versions are positive and strictly ascending.
void validate_migrations(std::span<const Migration> migrations);

// Highest version recorded in schema_migrations (0 when the table is empty or absent).
int current_schema_version(soci::session& sql);

// Creates schema_migrations if absent, refuses a database newer than `migrations` (a
// std::runtime_error naming both versions), then applies every migration newer than the
// database, each in a transaction of its own. `sql` must be a session of SOCI's sqlite3 backend.
// A failed migration throws std::runtime_error naming it; the ones before it stay applied.
MigrationResult run_migrations(soci::session& sql, std::span<const Migration> migrations,
                               plugin_api::Logger* logger = nullptr);

}  // namespace vergegrid::plugins::sqlite
