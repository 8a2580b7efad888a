// GridChangeLog (plugin ABI 1.7): every placement-relevant write bumps the grid generation and
// logs its entity in the same transaction; a rollback takes both back; the indexed checks a
// writer confirms a cached decision with; and a write through a second backend object on the
// same database (another control plane) is seen through the generation.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <string>
#include <vector>

#include "migration_samples.hpp"
#include "storage_contract.hpp"
#include "vergegrid/plugin_api/storage_grid_changes.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> logged(const api::GridChanges& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes.changes) {
        out.push_back(c.kind + ":" + c.entity_id);
    }
    return out;
}

TEST_P(StorageContract, GridGenerationCountsEveryPlacementWrite) {
    const auto estate = seed_estate(1, "Mainland");
    std::int64_t start = 0;
    {
        auto tx = write();
        start = change_log(*tx).lock_grid_generation();
        EXPECT_FALSE(change_log(*tx).grid_changes_since(start).pruned);
        EXPECT_THAT(change_log(*tx).grid_changes_since(start).changes, IsEmpty());
        tx->commit();
    }
    api::Region region = sample_region(1, "Alpha", estate.id, 1000, 1000, "10.0.0.1", 9000);
    const api::Simulator simulator = sample_simulator(1, "sim-host");
    const api::Migration move = sample_migration(1, region.uuid, "2026-09-01T10:00:00.000Z");
    {
        auto tx = write();
        tx->insert_region(region);
        access_store(*tx).insert_simulator(simulator);
        migration_ledger(*tx).insert_migration(move);
        // The transaction sees its own changes.
        EXPECT_EQ(change_log(*tx).lock_grid_generation(), start + 3);
        tx->commit();
    }
    {
        auto tx = write();
        region.port = 9001;
        tx->update_region(region);
        access_store(*tx).update_simulator(simulator);
        migration_ledger(*tx).update_migration(move);
        tx->delete_region(region.uuid);
        tx->commit();
    }
    auto tx = write();
    auto& log = change_log(*tx);
    EXPECT_EQ(log.lock_grid_generation(), start + 7);
    const auto since = log.grid_changes_since(start);
    EXPECT_FALSE(since.pruned);
    EXPECT_THAT(logged(since), ElementsAre("region:" + region.uuid, "simulator:" + simulator.id,
                                           "migration:" + move.id, "region:" + region.uuid,
                                           "simulator:" + simulator.id, "migration:" + move.id,
                                           "region:" + region.uuid));
    EXPECT_EQ(since.changes.front().generation, start + 1);
    EXPECT_EQ(since.changes.back().generation, start + 7);
    EXPECT_THAT(logged(log.grid_changes_since(start + 6)), ElementsAre("region:" + region.uuid));
    EXPECT_THAT(log.grid_changes_since(start + 7).changes, IsEmpty());
}

TEST_P(StorageContract, GridGenerationRollsBackWithItsWrite) {
    const auto estate = seed_estate(1, "Mainland");
    std::int64_t start = 0;
    {
        auto tx = write();
        start = change_log(*tx).lock_grid_generation();
        tx->insert_region(sample_region(1, "Alpha", estate.id, 1000, 1000, "10.0.0.1", 9000));
        // Not committed: destroying the transaction rolls it back.
    }
    auto tx = write();
    EXPECT_EQ(change_log(*tx).lock_grid_generation(), start);
    EXPECT_THAT(change_log(*tx).grid_changes_since(start).changes, IsEmpty());
}

TEST_P(StorageContract, GridChangesBeforeThePrunedLogAskForAFullLoad) {
    const auto estate = seed_estate(1, "Mainland");
    {
        auto tx = write();
        tx->insert_region(sample_region(1, "Alpha", estate.id, 1000, 1000, "10.0.0.1", 9000));
        tx->commit();
    }
    {
        auto direct = harness_->direct();
        *direct << "DELETE FROM grid_changes";  // as the writers' pruning does to old rows
    }
    auto tx = write();
    auto& log = change_log(*tx);
    const auto now = log.lock_grid_generation();
    EXPECT_TRUE(log.grid_changes_since(now - 1).pruned);
    EXPECT_FALSE(log.grid_changes_since(now).pruned);
}

TEST_P(StorageContract, GridChecksReadFootprintsAndCounts) {
    const auto estate = seed_estate(1, "Mainland");
    const auto a = sample_region(1, "Alpha", estate.id, 1000, 1000, "10.0.0.1", 9000);
    const auto b = sample_region(2, "Beta", estate.id, 1001, 1000, "10.0.0.1", 9001);
    {
        auto tx = write();
        tx->insert_region(a);
        tx->insert_region(b);
        tx->commit();
    }
    auto tx = write();
    auto& log = change_log(*tx);
    const auto found = log.find_region_footprints({b.uuid, uuid(999), a.uuid});
    ASSERT_EQ(found.size(), 2U);
    EXPECT_EQ(found[0].uuid, b.uuid);
    EXPECT_EQ(found[0].name, "Beta");
    EXPECT_EQ(found[0].simulator_id, b.placement.simulator_id);
    EXPECT_EQ(found[0].host, "10.0.0.1");
    EXPECT_EQ(found[0].port, 9001);
    EXPECT_EQ(found[0].loc_x, 1001);
    EXPECT_EQ(found[0].loc_y, 1000);
    EXPECT_EQ(found[1].uuid, a.uuid);
    EXPECT_EQ(log.count_regions_on_simulator(a.placement.simulator_id), 2);
    EXPECT_EQ(log.count_regions_on_simulator("sim-nobody"), 0);
}

TEST_P(StorageContract, GridWriteOfASecondBackendIsSeenThroughTheGeneration) {
    const auto estate = seed_estate(1, "Mainland");
    std::int64_t seen = 0;
    {
        auto tx = write();
        seen = change_log(*tx).lock_grid_generation();
        tx->commit();
    }
    // Another control plane on the same database.
    auto& other = create_backend(harness_->config());
    other.open();
    const auto region = sample_region(1, "Alpha", estate.id, 1000, 1000, "10.0.0.1", 9000);
    {
        auto tx = other.begin(api::Access::read_write);
        tx->insert_region(region);
        tx->commit();
    }
    auto tx = write();
    auto& log = change_log(*tx);
    EXPECT_EQ(log.lock_grid_generation(), seen + 1);
    EXPECT_THAT(logged(log.grid_changes_since(seen)), ElementsAre("region:" + region.uuid));
}

}  // namespace
}  // namespace vergegrid::test::storage
