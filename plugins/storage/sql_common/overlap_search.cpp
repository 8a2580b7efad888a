#include "overlap_search.hpp"

#include "dialect.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::plugins::sql {

namespace {

// The grid rules search a footprint (at most 32 columns wide); a wide rectangle would list
// thousands of columns, one index search each, where the range reads them in one pass.
constexpr int kListedColumnsAtMost = 64;
// Rows of map_offsets (schema 15): 0 to 127. A listing holds the footprint's columns and the
// widest region's less one.
constexpr int kMapOffsets = 128;
static_assert(kListedColumnsAtMost + plugin_api::kMaxRegionSize / 256 - 1 <= kMapOffsets,
              "map_offsets is too short for the longest listing");

}  // namespace

const std::string& overlapping_regions(const Dialect& dialect, int columns) {
    // The widest and the tallest region present: 256 m unless a wider one is in the size
    // indexes, which hold only those (schema 15).
    static const std::string widest =
        "COALESCE((SELECT MAX(size_x) FROM regions WHERE size_x > 256), 256)";
    static const std::string tallest =
        "COALESCE((SELECT MAX(size_y) FROM regions WHERE size_y > 256), 256)";
    static const std::string range =
        " FROM regions r WHERE r.loc_x < :x1 AND r.loc_x > :x_from - " + widest + " / 256";
    // The same columns, listed: the widest footprint's first column (`first`) to the last one
    // left of x1, each an offset from `first` in map_offsets. SQLite binds a name that appears
    // twice once.
    static const std::string first = "(:x_from - " + widest + " / 256 + 1)";
    static const std::string listed = " FROM map_offsets m JOIN regions r ON r.loc_x = m.d + " +
                                      first + " WHERE m.d < :x1 - " + first;
    static const std::string rest =
        " AND r.loc_x + r.size_x / 256 > :x0 AND r.loc_y < :y1 AND r.loc_y > :y_from - " + tallest +
        " / 256 AND r.loc_y + r.size_y / 256 > :y0 AND r.uuid <> :exclude";
    static const std::string listed_search = listed + rest;
    static const std::string range_search = range + rest;
    const bool listed_pays = columns >= 1 && columns <= kListedColumnsAtMost;
    return dialect.seeks_map_columns && listed_pays ? listed_search : range_search;
}

}  // namespace vergegrid::plugins::sql
