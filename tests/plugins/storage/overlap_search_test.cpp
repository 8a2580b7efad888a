// The grid rules' map search on SQLite: the (loc_x, loc_y) index bounds both coordinates, so a
// search reads the few regions near the rectangle, not a whole column of the map, however large
// the grid grows (docs/benchmarks.md, Dialect::seeks_map_columns). The search's answers are the
// storage contract's (regions_test.cpp), on every backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "overlap_search.hpp"
#include "sqlite_backend.hpp"
#include "sqlite_dialect.hpp"
#include "sqlite_test_support.hpp"

namespace vergegrid::test::storage {
namespace {

namespace sqlcommon = plugins::sql;
namespace sqlite = plugins::sqlite;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kEstate = "00000000-0000-0000-0000-000000000001";

class OverlapSearch : public ::testing::Test {
  protected:
    // The plugin's backend creates the schema; the test then reads and writes beside it.
    OverlapSearch() {
        sqlite::SqliteBackend backend(sqlite::SqliteConfig{file_, 1000},
                                      std::make_shared<CollectingLogger>());
        backend.open();
        backend.close();
        sql_.open(soci::sqlite3, "db=" + file_.string());
        sql_ << "INSERT INTO estates (id, name, owner, created_at, updated_at) VALUES ('" +
                    kEstate +
                    "', 'Mainland', 'owner', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')";
    }

    // A 256 m region at (x, y).
    void add_region(int n, int x, int y) {
        const std::string uuid = "00000000-0000-0000-0000-" + std::to_string(100000000000 + n);
        const std::string name = "R" + std::to_string(n);
        const int port = 9000 + n;
        sql_ << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, "
                "size_y, port, host, physics_type, terrain_preset, draw_distance_cap, "
                "version_major, version_minor, version_patch, region_state_mode) VALUES (:uuid, "
                ":name, :estate, NULL, :x, :y, 256, 256, :port, 'h', 'ubODE', '', 0, 1, 0, 0, "
                "'minimal')",
            soci::use(uuid, "uuid"), soci::use(name, "name"), soci::use(kEstate, "estate"),
            soci::use(x, "x"), soci::use(y, "y"), soci::use(port, "port");
    }

    // SQLite's plan for a search `columns` wide, one line per step.
    std::string plan(int columns = 1) {
        const int zero = 0;
        const int one = 1;
        const std::string exclude = "none";
        const std::string query = "EXPLAIN QUERY PLAN SELECT r.name" +
                                  sqlcommon::overlapping_regions(sqlite::dialect(), columns);
        soci::rowset<soci::row> rows =
            (sql_.prepare << query, soci::use(zero, "x0"), soci::use(zero, "x_from"),
             soci::use(one, "x1"), soci::use(zero, "y0"), soci::use(zero, "y_from"),
             soci::use(one, "y1"), soci::use(exclude, "exclude"));
        std::string text;
        for (const auto& row : rows) {
            text += row.get<std::string>(3) + "\n";
        }
        return text;
    }

    TempDir dir_;
    std::filesystem::path file_ = dir_.path() / "grid.db";
    soci::session sql_;
};

TEST_F(OverlapSearch, TheLocationIndexBoundsBothCoordinatesAlsoAfterAnalyze) {
    for (int n = 0; n < 400; ++n) {
        add_region(n, 1000 + n % 20, 1000 + n / 20);
    }
    const std::string bounded = "USING INDEX regions_location (loc_x=? AND loc_y>? AND loc_y<?)";
    EXPECT_THAT(plan(), HasSubstr(bounded));
    // The columns come from the offsets table, in rowid order: no list to build and sort first.
    EXPECT_THAT(plan(), HasSubstr("SEARCH m USING INTEGER PRIMARY KEY (rowid<?)"));
    EXPECT_THAT(plan(), Not(HasSubstr("LIST SUBQUERY")));
    // ANALYZE gives the planner statistics: a join on the column list then scanned the whole
    // table through a Bloom filter for every search.
    sql_ << "ANALYZE";
    EXPECT_THAT(plan(), HasSubstr(bounded));
    EXPECT_THAT(plan(), Not(HasSubstr("BLOOM")));
    // A rectangle wider than any footprint reads its columns as one range of the index.
    EXPECT_THAT(plan(1000), HasSubstr("regions_location (loc_x>? AND loc_x<?)"));
}

}  // namespace
}  // namespace vergegrid::test::storage
