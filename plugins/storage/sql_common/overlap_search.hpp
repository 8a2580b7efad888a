// The map search of the grid rules: which regions' footprints overlap a rectangle of the map.
#pragma once

#include <string>

namespace vergegrid::plugins::sql {

struct Dialect;

// " FROM ... WHERE ...": the regions `r` whose footprint [loc, loc + size/256) overlaps
// [x0, x1) x [y0, y1), any region but `exclude` (find_regions_overlapping, and
// find_region_conflicts, which takes the first by name). Sizes are multiples of 256 (a CHECK
// constraint), so the division is exact in every dialect. No footprint is wider than the widest
// region present, so loc > x0 - that width: the lower bounds add nothing to the answer but let
// the (loc_x, loc_y) index bound the search, which would otherwise walk every region (2.6 ms at
// 10,000 regions on SQLite; docs/benchmarks.md). The widest present rather than the widest
// allowed (kMaxRegionSize): on a grid of 256 m regions the search reads one column of the map
// instead of 33. The size indexes answer MAX() at once: on SQLite and PostgreSQL they hold only
// the regions wider (taller) than 256 m (schema 15), so a standard region writes no entry there,
// and the bound is 256 m when they are empty (also with no region at all, when nothing matches
// anyway). Each width a subquery of its own: SQLite answers MAX() from an index only when it is
// its query's one aggregate ("SELECT MAX(size_x), MAX(size_y)" reads the whole table), and each
// of the three databases computes it once and bounds the index range with it (EXPLAIN: MariaDB
// "range" on regions_location, PostgreSQL an InitPlan in the Index Cond).
// SQLite names each column a footprint could start in instead (Dialect::seeks_map_columns), as
// a join of the offsets table map_offsets (schema 15) with regions, so that the index bounds both
// coordinates ("SEARCH m USING INTEGER PRIMARY KEY (rowid<?)", then "SEARCH r USING INDEX
// regions_location (loc_x=? AND loc_y>? AND loc_y<?)") without the temporary tables a recursive
// list and its IN built on every search. x0 and y0 are bound under two names each (x0 and
// x_from, y0 and y_from): not every SOCI backend binds a repeated name. `columns` is x1 - x0:
// SQLite lists the columns only for a rectangle narrow enough.
const std::string& overlapping_regions(const Dialect& dialect, int columns);

}  // namespace vergegrid::plugins::sql
