#include "overlap_search.hpp"

#include "dialect.hpp"

namespace vergegrid::plugins::sql {

const std::string& overlap_conditions(const Dialect& dialect, int columns) {
    // The widest and the tallest region present: 256 m unless a wider one is in the size
    // indexes, which hold only those (schema 15).
    static const std::string widest =
        "COALESCE((SELECT MAX(size_x) FROM regions WHERE size_x > 256), 256)";
    static const std::string tallest =
        "COALESCE((SELECT MAX(size_y) FROM regions WHERE size_y > 256), 256)";
    static const std::string range =
        " WHERE r.loc_x < :x1 AND r.loc_x > :x_from - " + widest + " / 256";
    // The same columns, listed: the widest footprint's first column to the last one left of x1.
    static const std::string listed =
        " WHERE r.loc_x IN (WITH RECURSIVE map_columns(x) AS (SELECT :x_from - " + widest +
        " / 256 + 1 UNION ALL SELECT x + 1 FROM map_columns WHERE x + 1 < :x1) SELECT x FROM "
        "map_columns)";
    static const std::string rest =
        " AND r.loc_x + r.size_x / 256 > :x0 AND r.loc_y < :y1 AND r.loc_y > :y_from - " + tallest +
        " / 256 AND r.loc_y + r.size_y / 256 > :y0 AND r.uuid <> :exclude";
    static const std::string listed_search = listed + rest;
    static const std::string range_search = range + rest;
    // The grid rules search a footprint (at most 32 columns wide); a wide rectangle would list
    // thousands of columns, one index search each, where the range reads them in one pass.
    constexpr int kListedColumnsAtMost = 64;
    const bool listed_pays = columns >= 1 && columns <= kListedColumnsAtMost;
    return dialect.seeks_map_columns && listed_pays ? listed_search : range_search;
}

}  // namespace vergegrid::plugins::sql
