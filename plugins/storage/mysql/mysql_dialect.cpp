#include "mysql_dialect.hpp"

#include <soci/mysql/soci-mysql.h>

namespace vergegrid::plugins::mysql {

namespace {

sql::ErrorKind classify(const soci::soci_error& error) {
    const auto* my_error = dynamic_cast<const soci::mysql_soci_error*>(&error);
    if (my_error == nullptr) {
        return sql::ErrorKind::other;
    }
    switch (my_error->err_num_) {
        case 1022:  // ER_DUP_KEY
        case 1048:  // ER_BAD_NULL_ERROR
        case 1062:  // ER_DUP_ENTRY
        case 1169:  // ER_DUP_UNIQUE
        case 1216:  // ER_NO_REFERENCED_ROW
        case 1217:  // ER_ROW_IS_REFERENCED
        case 1451:  // ER_ROW_IS_REFERENCED_2
        case 1452:  // ER_NO_REFERENCED_ROW_2
        case 1557:  // ER_FOREIGN_DUPLICATE_KEY
        case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
        case 3819:  // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
        case 4025:  // ER_CONSTRAINT_FAILED (MariaDB CHECK)
            return sql::ErrorKind::conflict;
        case 1205:  // ER_LOCK_WAIT_TIMEOUT
        case 1213:  // ER_LOCK_DEADLOCK
        case 3572:  // ER_LOCK_NOWAIT
            return sql::ErrorKind::busy;
        case 2006:  // CR_SERVER_GONE_ERROR
        case 2013:  // CR_SERVER_LOST
            return sql::ErrorKind::connection;
        default:
            return sql::ErrorKind::other;
    }
}

sql::Dialect make() {
    sql::Dialect d;
    d.name = "mysql";
    // SET TRANSACTION applies to the next transaction only: it must come right before it.
    d.begin_read = {"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"};
    d.begin_read_write = {"SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
                          "START TRANSACTION READ WRITE"};
    d.lock_grid = "SELECT id FROM grid_lock WHERE id = 1 FOR UPDATE";
    d.insert_returns_id = false;
    d.last_insert_id = "SELECT LAST_INSERT_ID()";
    d.transactional_ddl = false;
    d.begin_migration = "";
    d.session_lock_migrations = "SELECT GET_LOCK('vergegrid.schema_migrations', 60)";
    d.session_unlock_migrations = "SELECT RELEASE_LOCK('vergegrid.schema_migrations')";
    d.schema_migrations_exists =
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
        "AND table_name = 'schema_migrations'";
    // No index on an expression in MariaDB: a generated column holds the fold (schema 4). The key
    // is folded under the columns' collation, whose case rules LOWER() follows.
    d.fold_name = "LOWER({column})";
    d.folded_name = "{column}_folded";
    d.folded_key = "LOWER(CONVERT(:key USING utf8mb4) COLLATE utf8mb4_bin)";
    d.classify = &classify;
    return d;
}

}  // namespace

const sql::Dialect& dialect() {
    static const sql::Dialect instance = make();
    return instance;
}

}  // namespace vergegrid::plugins::mysql
