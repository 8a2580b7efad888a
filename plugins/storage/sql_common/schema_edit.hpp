// Finishing a migration that edits a SQLite table's CREATE statement in place (schema 8: regions'
// host and port become nullable; schema 15: CHECKs without IN lists). SQLite cannot ALTER a column,
// and rebuilding the table with DROP TABLE would cascade to its supplements while foreign keys are
// on, as they are in the runner's transaction. The documented in-place edit
// (sqlite.org/lang_altertable.html #otheralter) needs the schema version bumped, a value SQL cannot
// compute into a PRAGMA.
#pragma once

namespace vergegrid::plugins::sql {

struct Dialect;
struct Migration;

// Gives SQLite's "pending_regions" and "lean_region_writes" migrations their finish step;
// nothing for other migrations or dialects.
void attach_schema_edit(Migration& migration, const Dialect& dialect);

}  // namespace vergegrid::plugins::sql
