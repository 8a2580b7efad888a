#include "postgresql_dialect.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <string>

namespace vergegrid::plugins::postgresql {

namespace {

sql::ErrorKind classify(const soci::soci_error& error) {
    const auto* pg_error = dynamic_cast<const soci::postgresql_soci_error*>(&error);
    if (pg_error == nullptr) {
        return sql::ErrorKind::other;
    }
    const std::string state = pg_error->sqlstate();
    if (state.rfind("23", 0) == 0) {  // integrity_constraint_violation and its subclasses
        return sql::ErrorKind::conflict;
    }
    if (state == "40001"        // serialization_failure
        || state == "40P01"     // deadlock_detected
        || state == "55P03"     // lock_not_available (lock_timeout)
        || state == "57014") {  // query_canceled (statement_timeout)
        return sql::ErrorKind::busy;
    }
    if (state.rfind("08", 0) == 0) {  // connection_exception
        return sql::ErrorKind::connection;
    }
    return sql::ErrorKind::other;
}

sql::Dialect make() {
    sql::Dialect d;
    d.name = "postgresql";
    d.begin_read = {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"};
    d.begin_read_write = {"BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"};
    d.lock_grid = "SELECT id FROM grid_lock WHERE id = 1 FOR UPDATE";
    d.insert_returns_id = true;
    d.writes_in_with = true;
    d.defers_release = true;
    d.transactional_ddl = true;
    d.begin_migration = "BEGIN";
    // Blocks a second control plane's runner until this migration commits; it then re-reads the
    // version and skips what is applied.
    d.lock_migrations_in_transaction = "LOCK TABLE schema_migrations IN EXCLUSIVE MODE";
    d.schema_migrations_exists =
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name = 'schema_migrations'";
    // The key arrives with the database's default collation, whose lower() may fold more than
    // the name columns' "C" (ASCII only): fold it under "C" too, as the unique index does.
    d.folded_key = "lower(CAST(:key AS VARCHAR) COLLATE \"C\")";
    d.classify = &classify;
    return d;
}

}  // namespace

const sql::Dialect& dialect() {
    static const sql::Dialect instance = make();
    return instance;
}

}  // namespace vergegrid::plugins::postgresql
