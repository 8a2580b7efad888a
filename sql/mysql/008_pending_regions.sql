-- VergeGrid schema 8 (MariaDB/MySQL): pending regions (plugin ABI 1.7: PendingPlacementStore,
-- docs/api.md "Pending regions"). A region that no simulator can take yet is stored with
-- neither host nor port (NULL: NULLs never collide in UNIQUE (host, port)) and one row in
-- region_placement_pending until a simulator takes it.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 009_*.sql instead.

-- MODIFY restates each column whole: the port's CHECK must be given again or it would go.
ALTER TABLE regions
    MODIFY port INTEGER NULL CHECK (port BETWEEN 1 AND 65535),
    MODIFY host VARCHAR(255) NULL;

-- seq: creation order (the placer places the oldest first); reasons: JSON array of strings;
-- since: ISO-8601 UTC.
CREATE TABLE region_placement_pending (
    region_id VARCHAR(36) NOT NULL PRIMARY KEY,
    seq       BIGINT      NOT NULL UNIQUE,
    reasons   LONGTEXT    NOT NULL,
    since     VARCHAR(32) NOT NULL,
    FOREIGN KEY (region_id) REFERENCES regions (uuid) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
