-- VergeGrid schema 4 (SQLite): estate and region names are unique ignoring letter case, as
-- OpenSimulator looks regions up by name ("Sandbox" and "sandbox" would be one region to it).
-- SQLite's lower() folds the ASCII letters A-Z only; the repository layer looks names up through
-- the same expression, so these indexes also answer those look-ups.
--
-- A database that already holds two names differing only in case is refused before this runs:
-- the storage plugin's check names every clash and changes nothing (sql/README.md).
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 005_*.sql instead.
CREATE UNIQUE INDEX estates_name_folded ON estates (lower(name));
CREATE UNIQUE INDEX regions_name_folded ON regions (lower(name));
