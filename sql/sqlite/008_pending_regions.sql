-- VergeGrid schema 8 (SQLite): pending regions (plugin ABI 1.7: PendingPlacementStore,
-- docs/api.md "Pending regions"). A region that no simulator can take yet is stored with
-- neither host nor port (NULL: NULLs never collide in UNIQUE (host, port)) and one row in
-- region_placement_pending until a simulator takes it.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 009_*.sql instead.

-- SQLite cannot ALTER a column, and rebuilding regions (CREATE new, copy, DROP old) is not safe
-- here: foreign keys are on (the runner's transaction cannot turn them off) and DROP TABLE
-- regions would cascade to every supplement (history stays, but state policies, placement rules,
-- terrain... would go). Dropping NOT NULL changes no stored record, so the CREATE statement is
-- edited in place, as https://sqlite.org/lang_altertable.html#otheralter documents; the runner
-- then bumps the schema version (sql_common/schema_edit.cpp) so that every connection, this one
-- included, reloads the schema, and checks that both columns changed.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(replace(sql,
    'port              INTEGER      NOT NULL CHECK', 'port              INTEGER      NULL CHECK'),
    'host              VARCHAR(255) NOT NULL,', 'host              VARCHAR(255) NULL,')
    WHERE type = 'table' AND name = 'regions';
PRAGMA writable_schema = OFF;

-- seq: creation order (the placer places the oldest first); reasons: JSON array of strings;
-- since: ISO-8601 UTC.
CREATE TABLE region_placement_pending (
    region_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    seq       BIGINT      NOT NULL UNIQUE,
    reasons   TEXT        NOT NULL,
    since     VARCHAR(32) NOT NULL
);
