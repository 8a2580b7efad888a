// Regions: every supplement field round-trips, update replaces, delete cascades but keeps history,
// listing with filters and keyset pagination, overlap and host+port lookups.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include "storage_contract.hpp"

// Filters are written with C++20 designated initializers naming only the fields a test sets;
// g++ 12 would warn that the others are not named, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> names(const std::vector<api::Region>& regions) {
    std::vector<std::string> out;
    for (const auto& r : regions) {
        out.push_back(r.name);
    }
    return out;
}

TEST_P(StorageContract, RegionWithEverySupplementFieldRoundTrips) {
    const auto estate = seed_estate(1, "Estate");
    const auto tmpl = seed_template(2, "Template");
    api::Region region =
        sample_region(3, "Région Ünïcode 🏝", estate.id, 1000, 1001, "sim1.example.org", 9000);
    region.template_id = tmpl.id;
    region.size_x = 512;
    region.size_y = 768;
    {
        auto tx = write();
        tx->insert_region(region);
        tx->commit();
    }
    auto tx = read();
    const auto by_uuid = tx->find_region(region.uuid);
    ASSERT_TRUE(by_uuid.has_value());
    EXPECT_EQ(dump(*by_uuid), dump(region));
    const auto by_name = tx->find_region_by_name("Région Ünïcode 🏝");
    ASSERT_TRUE(by_name.has_value());
    EXPECT_EQ(dump(*by_name), dump(region));
    EXPECT_FALSE(tx->find_region(uuid(999)).has_value());
    const auto other_case = tx->find_region_by_name("RéGION Ünïcode 🏝");
    ASSERT_TRUE(other_case.has_value()) << "names compare ignoring letter case";
    EXPECT_EQ(other_case->uuid, region.uuid);
    EXPECT_FALSE(tx->find_region_by_name("Région Ünïcode").has_value());
}

TEST_P(StorageContract, RegionDefaultsEmptyListsAndNoTemplateRoundTrip) {
    const auto estate = seed_estate(1, "Estate");
    api::Region region;  // the model's defaults: flags true, empty lists, no template
    region.uuid = uuid(5);
    region.name = "plain";
    region.estate_id = estate.id;
    region.port = 65535;
    region.host = "";
    region.region_state_mode = "minimal";
    region.environment.water_height = 0.0;
    region.terrain.lower_limit = -1e-300;
    {
        auto tx = write();
        tx->insert_region(region);
        tx->commit();
    }
    const auto got = read()->find_region(region.uuid);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(dump(*got), dump(region));
    EXPECT_TRUE(got->template_id.empty());
    EXPECT_FALSE(got->template_data.template_version.has_value());
    EXPECT_THAT(got->placement.required_labels, IsEmpty());
}

TEST_P(StorageContract, UpdateReplacesTheMainRowAndEverySupplement) {
    const auto estate = seed_estate(1, "Estate");
    const auto other_estate = seed_estate(2, "Other estate");
    const auto tmpl = seed_template(3, "Template");
    api::Region region = sample_region(4, "before", estate.id, 10, 20, "a.example", 9000);
    region.template_id = tmpl.id;
    {
        auto tx = write();
        tx->insert_region(region);
        tx->commit();
    }
    api::Region changed;  // every field different from `region`
    changed.uuid = region.uuid;
    changed.name = "after";
    changed.estate_id = other_estate.id;
    changed.loc_x = -5;
    changed.loc_y = 7;
    changed.size_x = 1024;
    changed.size_y = 256;
    changed.port = 9100;
    changed.host = "b.example";
    changed.physics_type = "BulletSim";
    changed.terrain_preset = "flat";
    changed.draw_distance_cap = 0;
    changed.version = api::SemVer{2, 4, 0};
    changed.region_state_mode = "full";
    changed.environment = {19.75, false, 6.5, ""};
    changed.terrain = {100.0, -100.0};
    changed.permissions = {true, false, false};
    changed.flags = {true, true, true, true, 15000, 40};
    changed.placement = {"", {}, {"nvme", "eu"}, {"region-x"}};
    changed.template_data = {std::nullopt, ""};
    {
        auto tx = write();
        tx->update_region(changed);
        tx->commit();
    }
    const auto got = read()->find_region(region.uuid);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(dump(*got), dump(changed));
    EXPECT_THROW(write()->update_region(sample_region(99, "ghost", estate.id, 0, 0, "g", 1)),
                 api::StorageError);
}

TEST_P(StorageContract, DeleteRemovesTheRegionsOwnRowsButKeepsHistory) {
    const auto estate = seed_estate(1, "Estate");
    const api::Region region = sample_region(2, "doomed", estate.id, 0, 0, "h", 9000);
    {
        auto tx = write();
        tx->insert_region(region);
        tx->append_history({region.uuid, region.version, "create", "{}", "tester", "req-1",
                            "2026-01-01T00:00:00.000Z"});
        tx->commit();
    }
    // Underneath the contract: a row only simulators' reports write.
    {
        auto sql = harness_->direct();
        *sql << "INSERT INTO region_runtime (region_uuid, observed_state) "
                "VALUES (:uuid, 'running')",
            soci::use(region.uuid, "uuid");
    }
    {
        auto tx = write();
        tx->delete_region(region.uuid);
        tx->commit();
    }
    auto tx = read();
    EXPECT_FALSE(tx->find_region(region.uuid).has_value());
    EXPECT_EQ(tx->list_history(region.uuid).size(), 1U) << "history outlives its region";

    // ON DELETE CASCADE took the region's runtime row with it.
    auto sql = harness_->direct();
    int rows = -1;
    *sql << "SELECT COUNT(*) FROM region_runtime WHERE region_uuid = :uuid",
        soci::use(region.uuid, "uuid"), soci::into(rows);
    EXPECT_EQ(rows, 0);
}

TEST_P(StorageContract, ListRegionsFiltersAndPaginatesByName) {
    const auto east = seed_estate(1, "East");
    const auto west = seed_estate(2, "West");
    const auto tmpl = seed_template(3, "Tmpl");
    {
        auto tx = write();
        auto add = [&](int n, const std::string& name, const api::Estate& e,
                       const std::string& host, bool from_template) {
            auto r = sample_region(n, name, e.id, n, 0, host, 9000 + n);
            if (from_template) {
                r.template_id = tmpl.id;
            }
            tx->insert_region(r);
        };
        add(10, "harbour", east, "sim-a", false);
        add(11, "Hill", east, "sim-a", true);
        add(12, "hill_top", west, "sim-b", true);
        add(13, "hillside", west, "sim-a", false);
        add(14, "h%wild", west, "sim-b", false);
        add(15, "valley", east, "sim-b", false);
        tx->commit();
    }
    auto tx = read();
    EXPECT_THAT(names(tx->list_regions({}, "", 100)),
                ElementsAre("Hill", "h%wild", "harbour", "hill_top", "hillside", "valley"));

    // Keyset pages of 2.
    std::vector<std::string> paged;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
        const auto regions = tx->list_regions({}, cursor, 2);
        if (regions.empty()) {
            break;
        }
        for (const auto& r : regions) {
            paged.push_back(r.name);
        }
        cursor = regions.back().name;
    }
    EXPECT_THAT(paged, ElementsAre("Hill", "h%wild", "harbour", "hill_top", "hillside", "valley"));

    // name_prefix is a literal, case-sensitive prefix: LIKE's % and _ match only themselves.
    EXPECT_THAT(names(tx->list_regions({.name_prefix = "hill"}, "", 100)),
                ElementsAre("hill_top", "hillside"));
    EXPECT_THAT(names(tx->list_regions({.name_prefix = "hill_"}, "", 100)),
                ElementsAre("hill_top"));
    EXPECT_THAT(names(tx->list_regions({.name_prefix = "h%"}, "", 100)), ElementsAre("h%wild"));
    EXPECT_THAT(names(tx->list_regions({.name_prefix = "H"}, "", 100)), ElementsAre("Hill"));

    EXPECT_THAT(names(tx->list_regions({.estate_id = east.id}, "", 100)),
                ElementsAre("Hill", "harbour", "valley"));
    EXPECT_THAT(names(tx->list_regions({.template_id = tmpl.id}, "", 100)),
                ElementsAre("Hill", "hill_top"));
    EXPECT_THAT(names(tx->list_regions({.host = "sim-b"}, "", 100)),
                ElementsAre("h%wild", "hill_top", "valley"));
    EXPECT_THAT(names(tx->list_regions({.name_prefix = "h", .estate_id = west.id, .host = "sim-a"},
                                       "", 100)),
                ElementsAre("hillside"));
    EXPECT_THAT(names(tx->list_regions({.estate_id = west.id}, "h%wild", 1)),
                ElementsAre("hill_top"));
    EXPECT_THAT(tx->list_regions({.estate_id = uuid(999)}, "", 100), IsEmpty());
}

TEST_P(StorageContract, OverlapQueriesUseTheFootprintInRegionUnits) {
    EXPECT_THAT(names(read()->find_regions_overlapping(0, 0, 64, 64, "")), IsEmpty())
        << "an empty map";
    const auto estate = seed_estate(1, "Estate");
    auto a = sample_region(2, "a", estate.id, 1000, 1000, "h", 9001);
    auto b = sample_region(3, "b-adjacent-east", estate.id, 1001, 1000, "h", 9002);
    auto c = sample_region(4, "c-adjacent-north", estate.id, 1000, 1001, "h", 9003);
    auto v = sample_region(5, "v-var-512", estate.id, 1010, 1010, "h", 9004);
    v.size_x = 512;
    v.size_y = 512;
    {
        auto tx = write();
        for (const auto& r : {a, b, c, v}) {
            tx->insert_region(r);
        }
        tx->commit();
    }
    auto tx = read();
    // Exactly a's cell.
    EXPECT_THAT(names(tx->find_regions_overlapping(1000, 1000, 1001, 1001, "")), ElementsAre("a"));
    // Adjacent regions touch a's edges but do not overlap it.
    EXPECT_THAT(names(tx->find_regions_overlapping(1000, 1000, 1001, 1001, a.uuid)), IsEmpty());
    EXPECT_THAT(names(tx->find_regions_overlapping(1002, 1000, 1003, 1001, "")), IsEmpty());
    EXPECT_THAT(names(tx->find_regions_overlapping(999, 999, 1000, 1000, "")), IsEmpty());
    // A 2x2 rectangle covering a, b and c.
    EXPECT_THAT(names(tx->find_regions_overlapping(1000, 1000, 1002, 1002, "")),
                ElementsAre("a", "b-adjacent-east", "c-adjacent-north"));
    // The var region covers (1010..1011, 1010..1011).
    EXPECT_THAT(names(tx->find_regions_overlapping(1011, 1011, 1012, 1012, "")),
                ElementsAre("v-var-512"));
    EXPECT_THAT(names(tx->find_regions_overlapping(1012, 1010, 1013, 1012, "")), IsEmpty());
    EXPECT_THAT(names(tx->find_regions_overlapping(1009, 1009, 1010, 1010, "")), IsEmpty());
    // A new 512x512 region at (1009, 1009) would overlap it; at (1008, 1008) it would not.
    EXPECT_THAT(names(tx->find_regions_overlapping(1009, 1009, 1011, 1011, "")),
                ElementsAre("v-var-512"));
    EXPECT_THAT(names(tx->find_regions_overlapping(1008, 1008, 1010, 1010, "")), IsEmpty());
    // The region being moved does not collide with itself.
    EXPECT_THAT(names(tx->find_regions_overlapping(1010, 1010, 1012, 1012, v.uuid)), IsEmpty());
    EXPECT_EQ(dump(tx->find_regions_overlapping(1011, 1010, 1012, 1011, "").at(0)), dump(v));
    // A rectangle far wider than any footprint (SQLite reads it as a range of map columns).
    EXPECT_THAT(names(tx->find_regions_overlapping(0, 0, 5000, 5000, "")),
                ElementsAre("a", "b-adjacent-east", "c-adjacent-north", "v-var-512"));
}

TEST_P(StorageContract, OverlapQueriesReachTheFarCornerOfTheLargestRegion) {
    const auto estate = seed_estate(1, "Estate");
    auto widest = sample_region(2, "widest", estate.id, 2000, 3000, "h", 9001);
    widest.size_x = api::kMaxRegionSize;
    widest.size_y = api::kMaxRegionSize;
    {
        auto tx = write();
        tx->insert_region(widest);
        tx->commit();
    }
    const int last = api::kMaxRegionSize / 256 - 1;  // its far cells: (2000 + last, 3000 + last)
    auto tx = read();
    EXPECT_THAT(
        names(tx->find_regions_overlapping(2000 + last, 3000 + last, 2001 + last, 3001 + last, "")),
        ElementsAre("widest"));
    EXPECT_THAT(names(tx->find_regions_overlapping(2001 + last, 3000, 2002 + last, 3001, "")),
                IsEmpty());
    EXPECT_THAT(names(tx->find_regions_overlapping(2000, 3001 + last, 2001, 3002 + last, "")),
                IsEmpty());
}

TEST_P(StorageContract, OverlapQueriesReachTheFarEndOfTallAndOfWideRegions) {
    // The search is bounded by the widest and by the tallest region present, separately.
    const auto estate = seed_estate(1, "Estate");
    auto tall = sample_region(2, "tall", estate.id, 5000, 5000, "h", 9001);
    tall.size_y = 2048;  // 8 cells up, 1 across
    auto wide = sample_region(3, "wide", estate.id, 6000, 6000, "h", 9002);
    wide.size_x = 2048;  // 8 cells across, 1 up
    auto small = sample_region(4, "small", estate.id, 7000, 7000, "h", 9003);
    {
        auto tx = write();
        EXPECT_THAT(tx->find_regions_overlapping(5000, 5000, 5001, 5001, ""), IsEmpty());
        tx->insert_region(tall);
        tx->insert_region(wide);
        tx->insert_region(small);
        tx->commit();
    }
    {
        auto tx = read();
        EXPECT_THAT(names(tx->find_regions_overlapping(5000, 5007, 5001, 5008, "")),
                    ElementsAre("tall"));
        EXPECT_THAT(names(tx->find_regions_overlapping(6007, 6000, 6008, 6001, "")),
                    ElementsAre("wide"));
        EXPECT_THAT(names(tx->find_regions_overlapping(5001, 5000, 5002, 5008, "")), IsEmpty());
        EXPECT_THAT(names(tx->find_regions_overlapping(6000, 6001, 6008, 6002, "")), IsEmpty());
    }
    {
        auto tx = write();
        tx->delete_region(tall.uuid);
        tx->delete_region(wide.uuid);
        tx->commit();
    }
    auto tx = read();
    EXPECT_THAT(names(tx->find_regions_overlapping(7000, 7000, 7001, 7001, "")),
                ElementsAre("small"));
    EXPECT_THAT(names(tx->find_regions_overlapping(5000, 5007, 5001, 5008, "")), IsEmpty());
}

TEST_P(StorageContract, FootprintsListEveryRegionByNameWithWhatPlacementNeeds) {
    const auto estate = seed_estate(1, "Estate");
    auto pinned = sample_region(2, "zulu", estate.id, 10, 20, "sim-a.example", 9001);
    auto by_hand = sample_region(3, "alpha", estate.id, 12, 20, "10.0.0.5", 9002);
    by_hand.placement.simulator_id = "";
    by_hand.size_x = 512;
    by_hand.size_y = 768;
    {
        auto tx = write();
        EXPECT_THAT(grid_store(*tx).list_region_footprints(), IsEmpty());
        tx->insert_region(pinned);
        tx->insert_region(by_hand);
        tx->commit();
    }
    auto tx = read();
    const auto footprints = grid_store(*tx).list_region_footprints();
    ASSERT_EQ(footprints.size(), 2U);
    const auto& a = footprints.at(0);
    EXPECT_EQ(a.uuid, by_hand.uuid);
    EXPECT_EQ(a.name, "alpha");
    EXPECT_EQ(a.simulator_id, "");
    EXPECT_EQ(a.host, "10.0.0.5");
    EXPECT_EQ(a.port, 9002);
    EXPECT_EQ(a.loc_x, 12);
    EXPECT_EQ(a.loc_y, 20);
    EXPECT_EQ(a.size_x, 512);
    EXPECT_EQ(a.size_y, 768);
    const auto& z = footprints.at(1);
    EXPECT_EQ(z.uuid, pinned.uuid);
    EXPECT_EQ(z.simulator_id, pinned.placement.simulator_id);
    EXPECT_EQ(z.host, "sim-a.example");
    EXPECT_EQ(z.port, 9001);
    EXPECT_EQ(z.loc_x, 10);
    EXPECT_EQ(z.size_x, pinned.size_x);
}

TEST_P(StorageContract, FindsARegionByHostAndPort) {
    const auto estate = seed_estate(1, "Estate");
    const auto region = sample_region(2, "r", estate.id, 0, 0, "sim.example", 9050);
    {
        auto tx = write();
        tx->insert_region(region);
        tx->commit();
    }
    auto tx = read();
    const auto found = tx->find_region_by_host_port("sim.example", 9050, "");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(dump(*found), dump(region));
    EXPECT_FALSE(tx->find_region_by_host_port("sim.example", 9050, region.uuid).has_value());
    EXPECT_FALSE(tx->find_region_by_host_port("sim.example", 9051, "").has_value());
    EXPECT_FALSE(tx->find_region_by_host_port("SIM.example", 9050, "").has_value());
}

}  // namespace
}  // namespace vergegrid::test::storage
