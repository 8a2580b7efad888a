-- VergeGrid schema 8 (PostgreSQL): pending regions (plugin ABI 1.7: PendingPlacementStore,
-- docs/api.md "Pending regions"). A region that no simulator can take yet is stored with
-- neither host nor port (NULL: NULLs never collide in UNIQUE (host, port)) and one row in
-- region_placement_pending until a simulator takes it.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 009_*.sql instead.

ALTER TABLE regions ALTER COLUMN port DROP NOT NULL, ALTER COLUMN host DROP NOT NULL;

-- seq: creation order (the placer places the oldest first); reasons: JSON array of strings;
-- since: ISO-8601 UTC.
CREATE TABLE region_placement_pending (
    region_id VARCHAR(36) COLLATE "C" NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    seq       BIGINT      NOT NULL UNIQUE,
    reasons   TEXT        NOT NULL,
    since     VARCHAR(32) NOT NULL
);
