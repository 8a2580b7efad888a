// Schema 8 and PendingPlacementStore (plugin ABI 1.7, docs/api.md "Pending regions"): a
// pending region is stored with neither host nor port (any number of them beside each other),
// read back as host "" and port 0, and queued in creation order; a database of schema 6 is
// upgraded in place keeping every region and the rows that hang off it (SQLite edits its CREATE
// statement: a rebuild with DROP TABLE would cascade to them).
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <string>
#include <vector>

#include "old_schema.hpp"
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

api::Region pending_region(int n, const std::string& name, const std::string& estate_id, int x) {
    return sample_region(n, name, estate_id, x, 1000, "", 0);
}

std::vector<std::string> ids_of(const std::vector<api::PendingPlacement>& rows) {
    std::vector<std::string> ids;
    for (const auto& row : rows) {
        ids.push_back(row.region_id);
    }
    return ids;
}

std::vector<std::string> names_of(const std::vector<api::Region>& regions) {
    std::vector<std::string> names;
    for (const auto& region : regions) {
        names.push_back(region.name);
    }
    return names;
}

TEST_P(StorageContract, PendingRegionsHaveNoHostOrPortAndQueueInCreationOrder) {
    const auto estate = seed_estate(1, "Mainland");
    {
        auto tx = write();
        // Created in the order Zulu, Alpha; two without host and port do not collide.
        tx->insert_region(pending_region(10, "Zulu", estate.id, 1000));
        tx->insert_region(pending_region(11, "Alpha", estate.id, 1001));
        tx->insert_region(sample_region(12, "Placed", estate.id, 1002, 1000, "h.example", 9000));
        auto& pending = pending_store(*tx);
        pending.mark_pending(uuid(10), {"sim-a: offline", "sim-b: full"}, "2026-12-01T00:00:00Z");
        pending.mark_pending(uuid(11), {"no simulator is registered"}, "2026-12-01T00:00:01Z");
        tx->commit();
    }
    {
        auto tx = read();
        const auto region = tx->find_region(uuid(10)).value();
        EXPECT_EQ(region.host, "");
        EXPECT_EQ(region.port, 0);
        auto& pending = pending_store(*tx);
        EXPECT_EQ(pending.count_pending(), 2);
        const auto queue = pending.list_pending(10);
        EXPECT_THAT(ids_of(queue), ElementsAre(uuid(10), uuid(11)));
        EXPECT_LT(queue[0].seq, queue[1].seq);
        EXPECT_THAT(queue[0].reasons, ElementsAre("sim-a: offline", "sim-b: full"));
        EXPECT_EQ(queue[0].since, "2026-12-01T00:00:00Z");
        EXPECT_THAT(ids_of(pending.list_pending(1)), ElementsAre(uuid(10)));
        EXPECT_THAT(ids_of(pending.pending_of({uuid(12), uuid(11)})), ElementsAre(uuid(11)));
        EXPECT_THAT(names_of(pending.list_regions_by_placement({}, true, "", 10)),
                    ElementsAre("Alpha", "Zulu"));
        EXPECT_THAT(names_of(pending.list_regions_by_placement({}, true, "Alpha", 10)),
                    ElementsAre("Zulu"));
        EXPECT_THAT(names_of(pending.list_regions_by_placement({}, false, "", 10)),
                    ElementsAre("Placed"));
        // Footprints (placement's view) see them too, on no host.
        const auto footprints = grid_store(*tx).list_region_footprints();
        ASSERT_EQ(footprints.size(), 3U);
        EXPECT_EQ(footprints[0].host, "");
        EXPECT_EQ(footprints[0].port, 0);
    }
    {
        auto tx = write();
        auto& pending = pending_store(*tx);
        // Marked again: new reasons, same place in the queue.
        pending.mark_pending(uuid(10), {"sim-a: cordoned"}, "2026-12-02T00:00:00Z");
        auto placed = tx->find_region(uuid(11)).value();
        placed.host = "h.example";
        placed.port = 9001;
        tx->update_region(placed);
        pending.clear_pending(uuid(11));
        pending.clear_pending(uuid(12));  // not pending: nothing happens
        tx->delete_region(uuid(10));      // its pending row goes with it
        tx->commit();
    }
    {
        auto tx = read();
        auto& pending = pending_store(*tx);
        EXPECT_EQ(pending.count_pending(), 0);
        EXPECT_EQ(tx->find_region(uuid(11))->port, 9001);
    }
    {
        auto tx = write();
        tx->insert_region(pending_region(13, "Later", estate.id, 1003));
        pending_store(*tx).mark_pending(uuid(13), {"x"}, "2026-12-03T00:00:00Z");
        pending_store(*tx).mark_pending(uuid(13), {"y"}, "2026-12-04T00:00:00Z");
        tx->commit();
    }
    auto tx = read();
    const auto queue = pending_store(*tx).list_pending(10);
    ASSERT_EQ(queue.size(), 1U);
    EXPECT_THAT(queue[0].reasons, ElementsAre("y"));
    EXPECT_EQ(queue[0].since, "2026-12-03T00:00:00Z");
}

TEST_P(StorageContract, MarkingAMissingRegionPendingIsAnError) {
    auto tx = write();
    EXPECT_THROW(pending_store(*tx).mark_pending(uuid(99), {"x"}, "t"), api::StorageError);
}

TEST_P(StorageContract, APortOutOfRangeIsStillRefused) {
    const auto estate = seed_estate(1, "Mainland");
    expect_storage_conflict(
        write(),
        [&](api::StorageTransaction& tx) {
            tx.insert_region(sample_region(10, "Bad", estate.id, 1000, 1000, "h", 70000));
        },
        "port 70000");
}

int rows_in(soci::session& sql, const std::string& table) {
    int count = -1;
    sql << "SELECT COUNT(*) FROM " + table, soci::into(count);
    return count;
}

// Every table that holds a region's rows (schema 9 folded the rest into regions).
constexpr const char* kRegionRows[] = {"regions", "region_runtime", "region_history",
                                       "region_state_policies"};

TEST_P(StorageContract, ASchemaSixDatabaseGainsPendingRegionsKeepingEveryRowOfItsRegions) {
    auto old_database = make_harness(GetParam());
    const std::string estate = uuid(1);
    const std::string region = uuid(11);
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 6);
        *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                "VALUES (:id, 'Kept', 'o', 't', 't')",
            soci::use(estate, "id");
        *sql << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, "
                "size_y, port, host, physics_type, terrain_preset, draw_distance_cap, "
                "version_major, version_minor, version_patch, region_state_mode) VALUES (:id, "
                "'Kept region', :estate, NULL, 1000, 1000, 256, 256, 9000, 'h', 'ubODE', '', 0, "
                "1, 0, 0, 'hybrid')",
            soci::use(region, "id"), soci::use(estate, "estate");
        for (const char* insert :
             {"INSERT INTO region_environment VALUES (:id, 20.5, 0, 6.0, '')",
              "INSERT INTO region_terrain VALUES (:id, 4.0, -4.0)",
              "INSERT INTO region_permissions VALUES (:id, 1, 0, 0)",
              "INSERT INTO region_flags VALUES (:id, 1, 1, 1, 1, 15000, 40)",
              "INSERT INTO region_placement_rules VALUES (:id, '', '[]', '[]', '[]')",
              "INSERT INTO region_template_data VALUES (:id, NULL, NULL, NULL, '')",
              "INSERT INTO region_runtime (region_uuid, observed_state) VALUES (:id, 'running')",
              "INSERT INTO region_history VALUES (:id, 1, 0, 0, 'create', '{}', 'a', 'r', 't')",
              "INSERT INTO region_state_policies VALUES (:id, 'persistent', '[]')"}) {
            *sql << insert, soci::use(region, "id");
        }
    }
    {
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 8 (pending_regions)"));
        {
            auto tx = backend.begin(api::Access::read_write);
            const auto kept = tx->find_region(region);
            ASSERT_TRUE(kept.has_value());
            EXPECT_EQ(kept->port, 9000);
            EXPECT_EQ(kept->environment.water_height, 20.5);
            EXPECT_EQ(kept->terrain.lower_limit, -4.0);
            EXPECT_TRUE(kept->permissions.public_access);
            EXPECT_EQ(kept->flags.max_prims, 15000);
            // Two pending regions beside each other: host and port are nullable now.
            for (int n : {20, 21}) {
                tx->insert_region(
                    pending_region(n, "Pending " + std::to_string(n), estate, 1000 + n));
                pending_store(*tx).mark_pending(uuid(n), {"none"}, "t");
            }
            tx->commit();
        }
        {
            // A second connection sees the edited schema too.
            auto tx = backend.begin(api::Access::read_write);
            tx->insert_region(pending_region(22, "Pending 22", estate, 1022));
            tx->commit();
        }
        backend.close();
    }
    auto sql = old_database->direct();
    for (const char* table : kRegionRows) {
        int kept = 0;
        const std::string column = std::string(table) == "regions"                 ? "uuid"
                                   : std::string(table) == "region_state_policies" ? "region_id"
                                                                                   : "region_uuid";
        *sql << "SELECT COUNT(*) FROM " + std::string(table) + " WHERE " + column + " = :id",
            soci::use(region, "id"), soci::into(kept);
        EXPECT_EQ(kept, 1) << table << " lost the row of the region kept from schema 6";
    }
    EXPECT_EQ(rows_in(*sql, "regions"), 4);
    EXPECT_EQ(rows_in(*sql, "region_placement_pending"), 2);
}

}  // namespace
}  // namespace vergegrid::test::storage
