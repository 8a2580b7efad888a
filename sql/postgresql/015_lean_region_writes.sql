-- VergeGrid schema 15 (PostgreSQL): the size indexes hold only regions wider (taller) than
-- 256 m. They answer the overlap search's bound, the widest region present
-- (sql_common/overlap_search.cpp), which is 256 m when they are empty: a grid of standard regions
-- no longer writes two index entries that only say "256" for each of them
-- (docs/benchmarks.md, "Fewer b-trees per create"). MariaDB has no partial indexes and keeps
-- schema 3's.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 016_*.sql instead.
DROP INDEX regions_size_x;
CREATE INDEX regions_size_x ON regions (size_x) WHERE size_x > 256;
DROP INDEX regions_size_y;
CREATE INDEX regions_size_y ON regions (size_y) WHERE size_y > 256;
