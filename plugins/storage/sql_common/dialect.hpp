// What differs between the SQL backends, as data. The repository layer (SociTransaction) and the
// migration runner are written once against this description; each plugin provides one Dialect.
// Every statement here is fixed text: user input only ever reaches the database through
// soci::use bindings.
#pragma once

#include <string>
#include <vector>

namespace soci {
class soci_error;
}

namespace vergegrid::plugins::sql {

// How a database error maps onto the storage contract's exceptions.
enum class ErrorKind {
    conflict,    // a constraint refused the write: plugin_api::StorageConflict
    busy,        // lock timeout, deadlock, serialization failure: plugin_api::StorageBusy
    connection,  // the connection is gone: plugin_api::StorageError, and the connection is replaced
    other,       // anything else: plugin_api::StorageError
};

struct Dialect {
    std::string name;  // "sqlite", "postgresql", "mysql": for messages

    // Statements that open a transaction, run in order. Read transactions see one consistent
    // snapshot; read-write ones must see everything committed before they got the grid lock.
    std::vector<std::string> begin_read;
    std::vector<std::string> begin_read_write;
    // Run right after begin_read_write to serialise writers ("" when the begin statement already
    // does, like SQLite's BEGIN IMMEDIATE). Must return one row with one integer column.
    std::string lock_grid;
    // Queue this process's writers in a WriterGate before begin_read_write (see writer_gate.hpp):
    // for databases with a single writer whose waiters poll (SQLite).
    bool gate_writers_in_process = false;
    std::string commit = "COMMIT";
    std::string rollback = "ROLLBACK";

    // How an insert into a table with a generated id (audit_log, operations) learns the new id.
    // When true (PostgreSQL) the insert gets " RETURNING id" appended and the id comes back from
    // it; otherwise the connection is asked right after (SOCI's get_last_insert_id: SQLite's
    // sqlite3_last_insert_rowid, MariaDB's mysql_insert_id), and last_insert_id is the statement
    // run instead should a backend not know (SQLite last_insert_rowid(), MariaDB LAST_INSERT_ID()).
    bool insert_returns_id = false;
    std::string last_insert_id;

    // Data-modifying statements in WITH (PostgreSQL): writes that go together (a region's row
    // and its grid-change entry) are sent as one statement, one round trip
    // where each would cost its own. The writes' rows are checked (foreign keys, uniqueness) as
    // if sent one by one.
    bool writes_in_with = false;

    // Several statements without parameters in one query (PostgreSQL's simple query protocol):
    // a savepoint's RELEASE waits to go with the transaction's next statement, in one query with
    // it when that is a SAVEPOINT or the COMMIT. Under group commit that is one round trip fewer
    // per request (docs/group-commit.md).
    bool defers_release = false;

    // The transaction's own statements (begin, SAVEPOINT, RELEASE, ROLLBACK TO, COMMIT) are
    // prepared once per connection and kept in its statement cache (SQLite: a group commit's
    // request is a SAVEPOINT and a RELEASE, and parsing each anew cost more than running it).
    bool caches_transaction_statements = false;
    // The append-only logs' rows (audit_log, events) wait in the transaction (LogStage) and go in
    // together before the COMMIT, numbered by the plugin from one sequence (explicit keys), and an
    // audited change's event is kept in its audit row (schema 13, docs/events.md "Where events
    // are stored"). SQLite only, where it was measured: PostgreSQL's seq is GENERATED ALWAYS (no
    // explicit value without OVERRIDING SYSTEM VALUE) and its audit ids have a sequence of their
    // own; MariaDB keeps one INSERT per row for now.
    bool stages_log_rows = false;

    // The overlap search (find_regions_overlapping, find_region_conflicts) names each map column
    // a footprint could start in (`loc_x IN` a recursive list) instead of a range of columns, so
    // the (loc_x, loc_y) index bounds both coordinates: on SQLite 3.40 a search took 10 us at
    // 20,000 and at 100,000 regions against 18 and 34 us (docs/benchmarks.md). SQLite only, where
    // it was measured; a join on the list instead made SQLite build a Bloom filter over the whole
    // table once ANALYZE had run (16 ms a search).
    bool seeks_map_columns = false;

    // Migrations. transactional_ddl: a migration and its record commit together.
    bool transactional_ddl = true;
    std::string begin_migration;  // "" = statements run in autocommit (MariaDB)
    // Keeps a second process from applying the same migration at once. In-transaction locks run
    // after begin_migration (PostgreSQL: LOCK TABLE); session locks around the whole run
    // (MariaDB: GET_LOCK, which returns 1 when granted).
    std::string lock_migrations_in_transaction;
    std::string session_lock_migrations;
    std::string session_unlock_migrations;
    // Counts tables named schema_migrations in the current database/schema (0 or 1).
    std::string schema_migrations_exists;

    // Estate and region names are unique ignoring letter case (schema 4). "{column}" stands for a
    // qualified name column. fold_name folds it as the unique index does (also before schema 4,
    // for the check that refuses a database whose names would clash); folded_name is what a
    // look-up compares, the indexed expression itself; folded_key folds the bound :key the same
    // way.
    std::string fold_name = "lower({column})";
    std::string folded_name = "lower({column})";
    std::string folded_key = "lower(:key)";

    // The audit chain's hashes (plugin ABI 1.10: 64 lower-case hex digits, "" for none) in
    // audit_log.prev_hash and hash. store_hash is what a row keeps of the bound "{value}";
    // hash_as_hex reads a stored "{column}" back as the hex text, whichever form the row holds.
    std::string store_hash = "{value}";
    std::string hash_as_hex = "{column}";

    // Classifies an error this dialect's SOCI backend threw.
    ErrorKind (*classify)(const soci::soci_error& error) = nullptr;
};

// `pattern` (one of the templates above) with every `slot` ("{column}", "{value}") replaced by
// `sql`.
std::string with_slot(std::string pattern, const std::string& slot, const std::string& sql);

}  // namespace vergegrid::plugins::sql
