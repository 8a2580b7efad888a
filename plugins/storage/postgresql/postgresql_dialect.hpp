// PostgreSQL's side of the SQL backends' differences (see sql_common/dialect.hpp).
#pragma once

#include "dialect.hpp"

namespace vergegrid::plugins::postgresql {

// Read: REPEATABLE READ READ ONLY (one snapshot). Read-write: READ COMMITTED, then the grid_lock
// row FOR UPDATE, so each statement after the lock sees everything committed before it (at
// REPEATABLE READ the snapshot could predate the lock wait). Audit ids from INSERT ... RETURNING.
// Errors by SQLSTATE: class 23 is a conflict; 40001, 40P01, 55P03 and 57014 are busy.
const sql::Dialect& dialect();

}  // namespace vergegrid::plugins::postgresql
