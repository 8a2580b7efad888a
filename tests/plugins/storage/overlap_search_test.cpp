// The grid rules' map search on SQLite: the (loc_x, loc_y) index bounds both coordinates, so a
// search reads the few regions near the rectangle, not a whole column of the map, however large
// the grid grows (docs/benchmarks.md, Dialect::seeks_map_columns).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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

    void add_region(int n, int x, int y, int size) {
        const std::string uuid = "00000000-0000-0000-0000-" + std::to_string(100000000000 + n);
        const std::string name = "R" + std::to_string(n);
        const int port = 9000 + n;
        sql_ << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, "
                "size_y, port, host, physics_type, terrain_preset, draw_distance_cap, "
                "version_major, version_minor, version_patch, region_state_mode) VALUES (:uuid, "
                ":name, :estate, NULL, :x, :y, :size, :size2, :port, 'h', 'ubODE', '', 0, 1, 0, 0, "
                "'minimal')",
            soci::use(uuid, "uuid"), soci::use(name, "name"), soci::use(kEstate, "estate"),
            soci::use(x, "x"), soci::use(y, "y"), soci::use(size, "size"), soci::use(size, "size2"),
            soci::use(port, "port");
    }

    // The names of the regions overlapping [x0, x1) x [y0, y1), by name.
    std::vector<std::string> overlapping(int x0, int y0, int x1, int y1) {
        std::vector<std::string> names(100);
        const std::string exclude = "none";
        sql_ << "SELECT r.name FROM regions r" +
                    sqlcommon::overlap_conditions(sqlite::dialect(), x1 - x0) + " ORDER BY r.name",
            soci::use(x0, "x0"), soci::use(x0, "x_from"), soci::use(x1, "x1"), soci::use(y0, "y0"),
            soci::use(y0, "y_from"), soci::use(y1, "y1"), soci::use(exclude, "exclude"),
            soci::into(names);
        return names;
    }

    // SQLite's plan for a search `columns` wide, one line per step.
    std::string plan(int columns = 1) {
        const int zero = 0;
        const int one = 1;
        const std::string exclude = "none";
        const std::string query = "EXPLAIN QUERY PLAN SELECT r.name FROM regions r" +
                                  sqlcommon::overlap_conditions(sqlite::dialect(), columns);
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
        add_region(n, 1000 + n % 20, 1000 + n / 20, 256);
    }
    const std::string bounded = "USING INDEX regions_location (loc_x=? AND loc_y>? AND loc_y<?)";
    EXPECT_THAT(plan(), HasSubstr(bounded));
    // ANALYZE gives the planner statistics: a join on the column list then scanned the whole
    // table through a Bloom filter for every search.
    sql_ << "ANALYZE";
    EXPECT_THAT(plan(), HasSubstr(bounded));
    EXPECT_THAT(plan(), Not(HasSubstr("BLOOM")));
    // A rectangle wider than any footprint reads its columns as one range of the index.
    EXPECT_THAT(plan(1000), HasSubstr("regions_location (loc_x>? AND loc_x<?)"));
}

TEST_F(OverlapSearch, FindsEveryFootprintReachingTheRectangleFromAnyColumn) {
    add_region(1, 1000, 1000, 256);   // 1x1 at (1000, 1000)
    add_region(2, 1001, 1000, 1024);  // 4x4 covering x 1001..1004, y 1000..1003
    add_region(3, 1010, 1010, 256);
    EXPECT_EQ(overlapping(1000, 1000, 1001, 1001), std::vector<std::string>{"R1"});
    // The far corner of the 4x4 region: three columns left of the rectangle's.
    EXPECT_EQ(overlapping(1004, 1003, 1005, 1004), std::vector<std::string>{"R2"});
    EXPECT_EQ(overlapping(1005, 1000, 1006, 1001), std::vector<std::string>{});
    EXPECT_EQ(overlapping(999, 999, 1011, 1011), (std::vector<std::string>{"R1", "R2", "R3"}));
    EXPECT_EQ(overlapping(0, 0, 5000, 5000), (std::vector<std::string>{"R1", "R2", "R3"}));
}

TEST_F(OverlapSearch, AnEmptyMapHasNothingOverlapping) {
    EXPECT_EQ(overlapping(0, 0, 64, 64), std::vector<std::string>{});
}

}  // namespace
}  // namespace vergegrid::test::storage
