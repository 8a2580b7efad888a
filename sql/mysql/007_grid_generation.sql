-- VergeGrid schema 7 (MariaDB/MySQL): the grid generation (plugin ABI 1.7: GridChangeLog,
-- docs/placement.md "The grid cache"). One row whose generation every placement-relevant write
-- bumps (a region's insert, change or delete, a simulator's insert or change, a move's insert or
-- change), and a log of the entity each bump was for, so that a control plane's in-memory grid
-- re-reads only what changed, also when another control plane wrote it.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 008_*.sql instead.
--
-- Every DDL statement commits by itself here: should one fail, the ones before it stay applied
-- and the migration is not recorded (sql/README.md).

CREATE TABLE grid_generation (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    generation BIGINT  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO grid_generation (id, generation) VALUES (1, 0);

-- One row per bump (the generation is unique). kind: region, simulator or migration. Old rows
-- are pruned by the writers; a reader asking about a pruned generation reads the whole grid.
CREATE TABLE grid_changes (
    generation BIGINT      NOT NULL PRIMARY KEY,
    kind       VARCHAR(16) NOT NULL CHECK (kind IN ('region', 'simulator', 'migration')),
    entity_id  VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- How many regions a simulator holds, answered from an index (a placement's capacity check).
CREATE INDEX region_placement_rules_simulator ON region_placement_rules (simulator_id);
