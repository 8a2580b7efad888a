// GridRuleQueries (plugin ABI 1.8): find_region_conflicts answers in one query what the three
// lookups of the grid rules answer (find_region_by_name, find_regions_overlapping,
// find_region_by_host_port), never naming the region asked about.
#include <gmock/gmock.h>

#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;

std::string dump(const std::optional<api::Region>& region) {
    return region ? storage::dump(*region) : "(none)";
}

// What the three lookups say about `r`, as find_region_conflicts should say it.
api::RegionConflicts one_by_one(api::StorageTransaction& tx, const api::Region& r) {
    api::RegionConflicts expected;
    if (auto other = tx.find_region_by_name(r.name); other && other->uuid != r.uuid) {
        expected.same_name = other;
    }
    const auto overlapping = tx.find_regions_overlapping(r.loc_x, r.loc_y, r.loc_x + r.size_x / 256,
                                                         r.loc_y + r.size_y / 256, r.uuid);
    if (!overlapping.empty()) {
        expected.overlapping = overlapping.front();
    }
    expected.same_host_port = tx.find_region_by_host_port(r.host, r.port, r.uuid);
    return expected;
}

TEST_P(StorageContract, RegionConflictsAreWhatTheThreeLookupsFind) {
    const auto estate = seed_estate(1, "Estate");
    api::Region alpha = sample_region(2, "Alpha", estate.id, 1000, 1000, "h", 9000);
    api::Region big = sample_region(3, "Big", estate.id, 1002, 1000, "h", 9001);
    big.size_x = 512;
    big.size_y = 512;
    api::Region zed = sample_region(4, "Zed", estate.id, 1010, 1010, "g", 9000);
    api::Region waiting = sample_region(5, "Waiting", estate.id, 1020, 1020, "", 0);
    {
        auto tx = write();
        for (const auto& r : {alpha, big, zed, waiting}) {
            tx->insert_region(r);
        }
        tx->commit();
    }
    auto candidate = [&](const std::string& name, int x, int y, int size, const std::string& host,
                         int port) {
        api::Region r = sample_region(99, name, estate.id, x, y, host, port);
        r.size_x = size;
        r.size_y = size;
        return r;
    };
    struct Case {
        const char* what;
        api::Region region;
        std::optional<std::string> name, overlap, port;  // the names expected
    };
    const std::vector<Case> cases = {
        {"a stored region asks about itself", alpha, {}, {}, {}},
        {"a name in other letter case",
         candidate("ALPHA", 2000, 2000, 256, "h", 9002),
         "Alpha",
         {},
         {}},
        {"inside a var region's footprint",
         candidate("New", 1003, 1001, 256, "h", 9002),
         {},
         "Big",
         {}},
        {"over two regions: the first by name",
         candidate("New", 1000, 1000, 1024, "h", 9002),
         {},
         "Alpha",
         {}},
        {"a host and port in use", candidate("New", 2000, 2000, 256, "g", 9000), {}, {}, "Zed"},
        {"a pending region beside a pending one",
         candidate("New", 2000, 2000, 256, "", 0),
         {},
         {},
         {}},
        {"all three at once", candidate("zed", 1003, 1001, 256, "h", 9000), "Zed", "Big", "Alpha"},
    };
    auto tx = read();
    for (const auto& c : cases) {
        const auto found = rule_queries(*tx).find_region_conflicts(c.region);
        const auto name_of = [](const std::optional<api::Region>& r) {
            return r ? std::optional<std::string>(r->name) : std::nullopt;
        };
        EXPECT_EQ(name_of(found.same_name), c.name) << c.what;
        EXPECT_EQ(name_of(found.overlapping), c.overlap) << c.what;
        EXPECT_EQ(name_of(found.same_host_port), c.port) << c.what;
        const auto expected = one_by_one(*tx, c.region);
        EXPECT_EQ(dump(found.same_name), dump(expected.same_name)) << c.what;
        EXPECT_EQ(dump(found.overlapping), dump(expected.overlapping)) << c.what;
        EXPECT_EQ(dump(found.same_host_port), dump(expected.same_host_port)) << c.what;
    }
}

}  // namespace
}  // namespace vergegrid::test::storage
