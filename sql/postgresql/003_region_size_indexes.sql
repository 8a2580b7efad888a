-- VergeGrid schema 3 (PostgreSQL): indexes on the region sizes. The overlap check of the grid
-- rules bounds its search of the (loc_x, loc_y) index by the widest and tallest region present,
-- MAX(size_x) and MAX(size_y), which these indexes answer without reading the table.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 004_*.sql instead.
CREATE INDEX regions_size_x ON regions (size_x);
CREATE INDEX regions_size_y ON regions (size_y);
