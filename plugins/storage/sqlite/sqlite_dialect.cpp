#include "sqlite_dialect.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace vergegrid::plugins::sqlite {

namespace {

// SQLite result codes; the extended ones carry the primary code in their low byte.
constexpr int kBusy = 5;
constexpr int kLocked = 6;
constexpr int kConstraint = 19;

sql::ErrorKind classify(const soci::soci_error& error) {
    const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error);
    if (sqlite_error == nullptr) {
        return sql::ErrorKind::other;
    }
    switch (sqlite_error->result() & 0xff) {
        case kConstraint:
            return sql::ErrorKind::conflict;
        case kBusy:
        case kLocked:
            return sql::ErrorKind::busy;
        default:
            return sql::ErrorKind::other;
    }
}

sql::Dialect make() {
    sql::Dialect d;
    d.name = "sqlite";
    d.begin_read = {"BEGIN"};
    d.begin_read_write = {"BEGIN IMMEDIATE"};
    d.lock_grid = "";
    d.gate_writers_in_process = true;
    d.caches_transaction_statements = true;
    d.stages_log_rows = true;
    d.seeks_map_columns = true;
    d.insert_returns_id = false;
    d.last_insert_id = "SELECT last_insert_rowid()";
    d.transactional_ddl = true;
    d.begin_migration = "BEGIN IMMEDIATE";
    d.schema_migrations_exists =
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
    // 32 bytes, not 64 hex digits (hash_bytes.hpp, schema 14); a text a row holds reads as it is.
    d.store_hash = "vergegrid_hash_bytes({value})";
    d.hash_as_hex = "CASE typeof({column}) WHEN 'blob' THEN lower(hex({column})) ELSE {column} END";
    d.classify = &classify;
    return d;
}

}  // namespace

const sql::Dialect& dialect() {
    static const sql::Dialect instance = make();
    return instance;
}

}  // namespace vergegrid::plugins::sqlite
