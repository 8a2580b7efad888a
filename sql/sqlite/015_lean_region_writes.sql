-- VergeGrid schema 15 (SQLite): a region's write touches fewer b-trees and builds no temporary
-- table (docs/benchmarks.md, "Fewer b-trees per create"). Every create and move runs inside the
-- one write transaction that all writers share, so what it costs there is what the grid waits.
--
-- 1. The size indexes hold only regions wider (taller) than 256 m. They answer the overlap
--    search's bound, the widest region present (sql_common/overlap_search.cpp), which is 256 m
--    when they are empty. A grid of standard regions no longer writes two index entries that
--    only say "256" for each of them.
-- 2. grid_changes keys its rows by rowid: `generation INTEGER PRIMARY KEY` is the table's own
--    key, where BIGINT PRIMARY KEY kept a second b-tree beside it. The log holds derived rows
--    only (schema 7) and nothing refers to it, so it is rebuilt: copied, dropped, renamed.
-- 3. A CHECK of `column IN (three or more values)` builds a temporary b-tree of the values each
--    time a statement checks it (EXPLAIN: OpenEphemeral). The same CHECKs on the rows written
--    most (regions, simulators, operations) become comparisons joined by OR, which accept
--    exactly the same values. These tables cannot be rebuilt here (foreign keys are on in the
--    runner's transaction and DROP TABLE regions would cascade to its supplements), so their
--    CREATE statements are edited in place, as schema 8 did; the runner then checks each edit
--    and bumps the schema version (sql_common/schema_edit.cpp).
-- 4. map_offsets lists the map columns an overlap search reads without building a list first.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 016_*.sql instead.

DROP INDEX regions_size_x;
CREATE INDEX regions_size_x ON regions (size_x) WHERE size_x > 256;
DROP INDEX regions_size_y;
CREATE INDEX regions_size_y ON regions (size_y) WHERE size_y > 256;

CREATE TABLE grid_changes_by_rowid (
    generation INTEGER     NOT NULL PRIMARY KEY,
    kind       VARCHAR(16) NOT NULL CHECK (kind = 'region' OR kind = 'simulator' OR kind = 'migration'),
    entity_id  VARCHAR(64) NOT NULL
);
INSERT INTO grid_changes_by_rowid (generation, kind, entity_id)
    SELECT generation, kind, entity_id FROM grid_changes;
DROP TABLE grid_changes;
ALTER TABLE grid_changes_by_rowid RENAME TO grid_changes;

PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql,
    'CHECK (region_state_mode IN (''minimal'', ''full'', ''hybrid''))',
    'CHECK (region_state_mode = ''minimal'' OR region_state_mode = ''full'' OR region_state_mode = ''hybrid'')')
    WHERE type = 'table' AND name = 'regions';
UPDATE sqlite_master SET sql = replace(sql,
    'CHECK (state IN (''registered'', ''online'', ''offline'', ''cordoned'', ''revoked''))',
    'CHECK (state = ''registered'' OR state = ''online'' OR state = ''offline'' OR state = ''cordoned'' OR state = ''revoked'')')
    WHERE type = 'table' AND name = 'simulators';
UPDATE sqlite_master SET sql = replace(sql,
    'CHECK (state IN (''pending'', ''delivered'', ''succeeded'', ''failed''))',
    'CHECK (state = ''pending'' OR state = ''delivered'' OR state = ''succeeded'' OR state = ''failed'')')
    WHERE type = 'table' AND name = 'operations';
PRAGMA writable_schema = OFF;

-- The offsets 0 to 127 from a map column: the overlap search joins them with regions to name
-- each column a footprint could start in (sql_common/overlap_search.cpp), where a recursive list
-- and its IN built two temporary tables on every search.
CREATE TABLE map_offsets (d INTEGER NOT NULL PRIMARY KEY);
INSERT INTO map_offsets (d)
    WITH RECURSIVE offsets(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM offsets WHERE d < 127)
    SELECT d FROM offsets;
