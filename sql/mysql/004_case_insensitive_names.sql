-- VergeGrid schema 4 (MariaDB/MySQL): estate and region names are unique ignoring letter case, as
-- OpenSimulator looks regions up by name ("Sandbox" and "sandbox" would be one region to it).
-- The name columns stay utf8mb4_bin (byte-wise ordering, see 001); a stored generated column
-- holds LOWER(name) under a unique index, because MariaDB has no index on an expression. LOWER()
-- here folds every letter utf8mb4 knows a lower case of (not only A-Z as on SQLite and
-- PostgreSQL). The repository layer looks names up through name_folded.
--
-- A database that already holds two names differing only in case is refused before this runs:
-- the storage plugin's check names every clash and changes nothing (sql/README.md).
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 005_*.sql instead.
-- MariaDB/MySQL commit every DDL statement implicitly (see sql/README.md).
ALTER TABLE estates ADD COLUMN name_folded VARCHAR(255) AS (LOWER(name)) STORED;
CREATE UNIQUE INDEX estates_name_folded ON estates (name_folded);
ALTER TABLE regions ADD COLUMN name_folded VARCHAR(255) AS (LOWER(name)) STORED;
CREATE UNIQUE INDEX regions_name_folded ON regions (name_folded);
