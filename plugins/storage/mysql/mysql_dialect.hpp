// MariaDB/MySQL's side of the SQL backends' differences (see sql_common/dialect.hpp).
#pragma once

#include "dialect.hpp"

namespace vergegrid::plugins::mysql {

// Read: REPEATABLE READ with a consistent snapshot, READ ONLY. Read-write: READ COMMITTED, then the
// grid_lock row FOR UPDATE (each statement after the lock sees everything committed before it).
// Audit ids from LAST_INSERT_ID(). DDL commits implicitly, so migrations are not transactional:
// a session lock (GET_LOCK) keeps two control planes from migrating at once.
// Errors by server error number: duplicate key, foreign key and CHECK failures are conflicts;
// lock wait timeout and deadlock are busy.
const sql::Dialect& dialect();

}  // namespace vergegrid::plugins::mysql
