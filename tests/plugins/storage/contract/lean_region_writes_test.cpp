// Schema 15: the size indexes hold only regions wider (taller) than 256 m, and on SQLite the
// grid change log keys its rows by rowid and the CHECKs written most are comparisons instead of
// IN lists. A database the previous releases left keeps its change log and its constraints, and
// the grid rules still see a wide region from every map column its footprint covers.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include "old_schema.hpp"
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::HasSubstr;

api::Region probe_at(int n, int x, int y, const std::string& estate_id) {
    return sample_region(n, "Probe " + std::to_string(n), estate_id, x, y, "probe-host", 9500 + n);
}

std::vector<std::string> described(const std::vector<api::GridChange>& changes) {
    std::vector<std::string> result;
    for (const auto& change : changes) {
        result.push_back(std::to_string(change.generation) + " " + change.kind + " " +
                         change.entity_id);
    }
    return result;
}

TEST_P(StorageContract,
       ASchemaThirteenGridKeepsItsChangeLogAndSeesItsWideRegionsAfterSchemaFifteen) {
    auto old_database = make_harness(GetParam());
    const api::Estate estate = sample_estate(1, "Kept");
    // 1024 x 512 m at <1000,1000>: map columns 1000-1003, rows 1000-1001.
    api::Region wide = sample_region(11, "Wide", estate.id, 1000, 1000, "h", 9000);
    wide.size_x = 1024;
    wide.size_y = 512;
    const api::Region standard = sample_region(12, "Standard", estate.id, 1010, 1000, "h", 9001);
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 13);
        *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                "VALUES (:id, :name, 'o', 't', 't')",
            soci::use(estate.id, "id"), soci::use(estate.name, "name");
        for (const auto& r : {wide, standard}) {
            *sql << "INSERT INTO regions (uuid, name, estate_id, loc_x, loc_y, size_x, size_y, "
                    "port, host, physics_type, terrain_preset, draw_distance_cap, "
                    "version_major, version_minor, version_patch, region_state_mode) VALUES "
                    "(:uuid, :name, :estate, :x, :y, :w, :h, :port, :host, 'ubODE', 'flat', 0, "
                    "1, 0, 0, 'minimal')",
                soci::use(r.uuid, "uuid"), soci::use(r.name, "name"),
                soci::use(r.estate_id, "estate"), soci::use(r.loc_x, "x"), soci::use(r.loc_y, "y"),
                soci::use(r.size_x, "w"), soci::use(r.size_y, "h"), soci::use(r.port, "port"),
                soci::use(r.host, "host");
        }
        *sql << "INSERT INTO grid_changes (generation, kind, entity_id) VALUES "
                "(7, 'region', '" +
                    wide.uuid + "')";
        *sql << "INSERT INTO grid_changes (generation, kind, entity_id) VALUES "
                "(8, 'simulator', 'sim-1')";
        *sql << "INSERT INTO grid_changes (generation, kind, entity_id) VALUES "
                "(9, 'region', '" +
                    standard.uuid + "')";
        *sql << "UPDATE grid_generation SET generation = 9 WHERE id = 1";
    }
    {
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        if (GetParam() != "mysql") {  // MariaDB has no partial indexes: it keeps schema 14
            EXPECT_THAT(logger->text(), HasSubstr("applying migration 15 (lean_region_writes)"));
        }
        auto tx = backend.begin(api::Access::read_write);
        EXPECT_THAT(described(change_log(*tx).grid_changes_since(6).changes),
                    ::testing::ElementsAre("7 region " + wide.uuid, "8 simulator sim-1",
                                           "9 region " + standard.uuid));
        EXPECT_EQ(change_log(*tx).lock_grid_generation(), 9);

        // Every map cell the wide footprint covers collides; the cells just past it do not.
        for (const auto& [x, y] : {std::pair{1000, 1000}, std::pair{1003, 1001}}) {
            const auto conflicts =
                rule_queries(*tx).find_region_conflicts(probe_at(20 + x - 1000, x, y, estate.id));
            ASSERT_TRUE(conflicts.overlapping.has_value()) << x << "," << y;
            EXPECT_EQ(conflicts.overlapping->uuid, wide.uuid);
        }
        for (const auto& [x, y] :
             {std::pair{1004, 1000}, std::pair{1003, 1002}, std::pair{999, 1001}}) {
            EXPECT_FALSE(rule_queries(*tx)
                             .find_region_conflicts(probe_at(30 + x - 990, x, y, estate.id))
                             .overlapping.has_value())
                << x << "," << y;
        }

        // The log goes on from where it was, one generation per write.
        const api::Region added = probe_at(40, 1020, 1000, estate.id);
        tx->insert_region(added);
        EXPECT_THAT(described(change_log(*tx).grid_changes_since(9).changes),
                    ::testing::ElementsAre("10 region " + added.uuid));
        tx->commit();
        backend.close();
    }
    auto sql = old_database->direct();
    // The constraints hold as before: the same values are refused.
    EXPECT_THROW(*sql << "UPDATE regions SET region_state_mode = 'partial'", soci::soci_error);
    EXPECT_NO_THROW(*sql << "UPDATE regions SET region_state_mode = 'hybrid'");
    EXPECT_THROW(*sql << "INSERT INTO grid_changes (generation, kind, entity_id) VALUES "
                         "(11, 'estate', 'e')",
                 soci::soci_error);
    EXPECT_THROW(*sql << "INSERT INTO grid_changes (generation, kind, entity_id) VALUES "
                         "(10, 'region', 'again')",
                 soci::soci_error)
        << "generations stay unique";
}

}  // namespace
}  // namespace vergegrid::test::storage
