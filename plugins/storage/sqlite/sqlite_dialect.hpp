// SQLite's side of the SQL backends' differences (see sql_common/dialect.hpp).
#pragma once

#include "dialect.hpp"

namespace vergegrid::plugins::sqlite {

// BEGIN (deferred: in WAL mode a reader's snapshot starts at its first read and never blocks the
// writer) for read, BEGIN IMMEDIATE for read-write (takes the write lock up front, waiting up to
// busy_timeout, so writers are serialised without a grid_lock row), last_insert_rowid().
const sql::Dialect& dialect();

}  // namespace vergegrid::plugins::sqlite
