// OperationStore (plugin ABI 1.1): the durable queue of operations simulators apply.
#include <gmock/gmock.h>

#include <string>

#include "storage_contract.hpp"

// Filters are written with C++20 designated initializers naming only the fields a test sets;
// g++ 12 would warn that the others are not named, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::vector<std::int64_t> ids_of(const std::vector<api::Operation>& operations) {
    std::vector<std::int64_t> out;
    for (const auto& o : operations) {
        out.push_back(o.id);
    }
    return out;
}

api::Operation operation(const std::string& simulator_id, const std::string& region_uuid,
                         const std::string& state, const std::string& op_class = "eager",
                         const std::string& due_at = "") {
    api::Operation o = sample_operation(simulator_id, region_uuid);
    o.state = state;
    o.op_class = op_class;
    o.due_at = due_at;
    return o;
}

TEST_P(StorageContract, OperationsRoundTripEveryFieldWithIncreasingIds) {
    const api::Operation eager = sample_operation(uuid(1), uuid(2));
    api::Operation removal = sample_operation(uuid(1), uuid(3));
    removal.kind = "delete";
    removal.op_class = "lazy";
    removal.spec = "";
    removal.due_at = "2026-08-09T10:16:12.013Z";
    std::vector<std::int64_t> ids;
    {
        auto tx = write();
        ids.push_back(operation_store(*tx).insert_operation(eager));
        ids.push_back(operation_store(*tx).insert_operation(removal));
        tx->commit();
    }
    {
        auto tx = write();  // ids keep increasing across transactions
        ids.push_back(operation_store(*tx).insert_operation(eager));
        tx->commit();
    }
    EXPECT_GT(ids[0], 0);
    EXPECT_GT(ids[1], ids[0]);
    EXPECT_GT(ids[2], ids[1]);
    {
        auto tx = read();
        auto expected = eager;
        expected.id = ids[0];
        EXPECT_EQ(dump(operation_store(*tx).find_operation(ids[0]).value()), dump(expected));
        expected = removal;
        expected.id = ids[1];
        EXPECT_EQ(dump(operation_store(*tx).find_operation(ids[1]).value()), dump(expected));
        EXPECT_FALSE(operation_store(*tx).find_operation(ids[2] + 1000).has_value());
        EXPECT_FALSE(operation_store(*tx).find_operation(0).has_value());
    }
    // Every field changes (the id names the row).
    api::Operation changed;
    changed.id = ids[0];
    changed.simulator_id = uuid(4);
    changed.region_uuid = uuid(5);
    changed.kind = "restart";
    changed.op_class = "lazy";
    changed.region_version = {4, 0, 1};
    changed.spec = R"({"changed":true})";
    changed.state = "failed";
    changed.attempts = 7;
    changed.result = R"({"error":"sim said nö"})";
    changed.created_at = "2026-08-10T00:00:00.000Z";
    changed.updated_at = "2026-08-11T00:00:00.000Z";
    changed.due_at = "2026-08-12T00:00:00.000Z";
    {
        auto tx = write();
        operation_store(*tx).update_operation(changed);
        tx->commit();
    }
    EXPECT_EQ(dump(operation_store(*read()).find_operation(ids[0]).value()), dump(changed));
    changed.id = ids[2] + 1000;
    EXPECT_THROW(operation_store(*write()).update_operation(changed), api::StorageError);
}

TEST_P(StorageContract, OperationsListNewestFirstWithFiltersAndACursor) {
    const std::string sim_a = uuid(1);
    const std::string sim_b = uuid(2);
    const std::string region_x = uuid(10);
    const std::string region_y = uuid(11);
    const std::vector<api::Operation> inserted{
        operation(sim_a, region_x, "succeeded"),  // 0
        operation(sim_a, region_y, "pending"),    // 1
        operation(sim_b, region_x, "delivered"),  // 2
        operation(sim_a, region_x, "pending"),    // 3
        operation(sim_b, region_y, "failed"),     // 4
        operation(sim_a, region_x, "delivered"),  // 5
    };
    std::vector<std::int64_t> ids;
    {
        auto tx = write();
        for (const auto& o : inserted) {
            ids.push_back(operation_store(*tx).insert_operation(o));
        }
        tx->commit();
    }
    auto tx = read();
    auto& store = operation_store(*tx);
    const auto all = store.list_operations({}, 0, 100);
    EXPECT_THAT(ids_of(all), ElementsAre(ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]));
    for (std::size_t i = 0; i < inserted.size(); ++i) {
        auto expected = inserted[i];
        expected.id = ids[i];
        EXPECT_EQ(dump(all[inserted.size() - 1 - i]), dump(expected));
    }
    EXPECT_THAT(ids_of(store.list_operations({.simulator_id = sim_a}, 0, 100)),
                ElementsAre(ids[5], ids[3], ids[1], ids[0]));
    EXPECT_THAT(ids_of(store.list_operations({.region_uuid = region_x}, 0, 100)),
                ElementsAre(ids[5], ids[3], ids[2], ids[0]));
    EXPECT_THAT(ids_of(store.list_operations({.state = "pending"}, 0, 100)),
                ElementsAre(ids[3], ids[1]));
    EXPECT_THAT(
        ids_of(store.list_operations(
            {.simulator_id = sim_a, .region_uuid = region_x, .state = "delivered"}, 0, 100)),
        ElementsAre(ids[5]));
    EXPECT_TRUE(store.list_operations({.simulator_id = uuid(99)}, 0, 100).empty());

    // Keyset pages of 4, newest first: before_id is the last id of the previous page.
    const auto first = store.list_operations({}, 0, 4);
    EXPECT_THAT(ids_of(first), ElementsAre(ids[5], ids[4], ids[3], ids[2]));
    EXPECT_THAT(ids_of(store.list_operations({}, first.back().id, 4)), ElementsAre(ids[1], ids[0]));
    EXPECT_TRUE(store.list_operations({}, ids[0], 4).empty());
    EXPECT_THAT(ids_of(store.list_operations({.simulator_id = sim_a}, ids[3], 1)),
                ElementsAre(ids[1]));
    EXPECT_TRUE(store.list_operations({}, 0, 0).empty());
}

TEST_P(StorageContract, DeliverableOperationsRespectStateDueTimeOrderAndLimit) {
    const std::string sim = uuid(1);
    const std::string region = uuid(10);
    const std::string now = "2026-08-09T12:00:00.000Z";
    const std::vector<api::Operation> inserted{
        operation(sim, region, "pending"),                                        // 0: yes
        operation(sim, region, "succeeded"),                                      // 1: done
        operation(sim, region, "delivered"),                                      // 2: yes (again)
        operation(sim, region, "pending", "lazy", "2026-08-09T12:00:00.001Z"),    // 3: not yet
        operation(sim, region, "pending", "lazy", now),                           // 4: yes, due now
        operation(uuid(2), region, "pending"),                                    // 5: other sim
        operation(sim, region, "failed"),                                         // 6: done
        operation(sim, region, "delivered", "lazy", "2026-08-09T11:59:59.999Z"),  // 7: yes
        operation(sim, region, "pending", "lazy", "2026-08-10T00:00:00.000Z"),    // 8: not yet
        operation(sim, region, "pending"),                                        // 9: yes
    };
    std::vector<std::int64_t> ids;
    {
        auto tx = write();
        for (const auto& o : inserted) {
            ids.push_back(operation_store(*tx).insert_operation(o));
        }
        tx->commit();
    }
    auto tx = read();
    auto& store = operation_store(*tx);
    const auto deliverable = store.list_deliverable_operations(sim, now, 100);
    EXPECT_THAT(ids_of(deliverable), ElementsAre(ids[0], ids[2], ids[4], ids[7], ids[9]));
    auto expected = inserted[4];
    expected.id = ids[4];
    ASSERT_EQ(deliverable.size(), 5U);
    EXPECT_EQ(dump(deliverable[2]), dump(expected));
    EXPECT_THAT(ids_of(store.list_deliverable_operations(sim, now, 2)),
                ElementsAre(ids[0], ids[2]));
    EXPECT_TRUE(store.list_deliverable_operations(sim, now, 0).empty());
    // Later, the lazy window of #3 and #8 has passed.
    EXPECT_THAT(ids_of(store.list_deliverable_operations(sim, "2026-08-10T00:00:00.000Z", 100)),
                ElementsAreArray({ids[0], ids[2], ids[3], ids[4], ids[7], ids[8], ids[9]}));
    EXPECT_THAT(ids_of(store.list_deliverable_operations(uuid(2), now, 100)), ElementsAre(ids[5]));
    EXPECT_TRUE(store.list_deliverable_operations(uuid(3), now, 100).empty());
}

TEST_P(StorageContract, ThePendingLazyOperationOfARegionOnASimulatorIsFound) {
    const std::string sim = uuid(1);
    const std::string region = uuid(10);
    const std::string due = "2026-08-09T12:05:00.000Z";
    std::vector<std::int64_t> ids;
    {
        auto tx = write();
        auto& store = operation_store(*tx);
        EXPECT_FALSE(store.find_pending_lazy_operation(region, sim).has_value());
        ids.push_back(store.insert_operation(operation(sim, region, "pending", "eager")));
        ids.push_back(store.insert_operation(operation(sim, region, "delivered", "lazy", due)));
        ids.push_back(store.insert_operation(operation(uuid(2), region, "pending", "lazy", due)));
        ids.push_back(store.insert_operation(operation(sim, uuid(11), "pending", "lazy", due)));
        EXPECT_FALSE(store.find_pending_lazy_operation(region, sim).has_value())
            << "eager, delivered, another simulator's, another region's: none qualifies";
        ids.push_back(store.insert_operation(operation(sim, region, "pending", "lazy", due)));
        // Visible to the transaction that wrote it, as a second change in it would need.
        const auto found = store.find_pending_lazy_operation(region, sim);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->id, ids[4]);
        tx->commit();
    }
    {
        auto tx = read();
        const auto found = operation_store(*tx).find_pending_lazy_operation(region, sim);
        ASSERT_TRUE(found.has_value());
        auto expected = operation(sim, region, "pending", "lazy", due);
        expected.id = ids[4];
        EXPECT_EQ(dump(*found), dump(expected));
        EXPECT_EQ(operation_store(*tx).find_pending_lazy_operation(region, uuid(2))->id, ids[2]);
        EXPECT_EQ(operation_store(*tx).find_pending_lazy_operation(uuid(11), sim)->id, ids[3]);
        EXPECT_FALSE(operation_store(*tx).find_pending_lazy_operation(uuid(12), sim).has_value());
    }
    {
        // Should there ever be two, the newest is the one to merge into.
        auto tx = write();
        ids.push_back(
            operation_store(*tx).insert_operation(operation(sim, region, "pending", "lazy", due)));
        EXPECT_EQ(operation_store(*tx).find_pending_lazy_operation(region, sim)->id, ids[5]);
        // Once delivered it is no longer the one to merge into.
        auto delivered = operation_store(*tx).find_operation(ids[5]).value();
        delivered.state = "delivered";
        delivered.attempts = 1;
        operation_store(*tx).update_operation(delivered);
        EXPECT_EQ(operation_store(*tx).find_pending_lazy_operation(region, sim)->id, ids[4]);
        tx->commit();
    }
}

TEST_P(StorageContract, OperationClassesAndStatesAreChecked) {
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            operation_store(tx).insert_operation(operation(uuid(1), uuid(2), "pending", "soon"));
        },
        "op_class 'soon'");
    expect_storage_conflict(
        write(),
        [](auto& tx) { operation_store(tx).insert_operation(operation(uuid(1), uuid(2), "lost")); },
        "state 'lost'");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            const auto id =
                operation_store(tx).insert_operation(operation(uuid(1), uuid(2), "pending"));
            auto changed = operation_store(tx).find_operation(id).value();
            changed.state = "done";
            operation_store(tx).update_operation(changed);
        },
        "updating to state 'done'");
    EXPECT_TRUE(operation_store(*read()).list_operations({}, 0, 10).empty());
}

TEST_P(StorageContract, OperationsCommitAndRollBackWithTheRegionChangeTheyCarry) {
    const auto estate = seed_estate(1, "Estate");
    const auto region = sample_region(2, "queued", estate.id, 0, 0, "sim", 9000);
    {
        auto tx = write();
        tx->insert_region(region);
        operation_store(*tx).insert_operation(sample_operation(uuid(3), region.uuid));
        access_store(*tx).insert_user(sample_user(4, "someone"));
    }  // rolled back: neither the region nor the operation nor the user
    {
        auto tx = read();
        EXPECT_FALSE(tx->find_region(region.uuid).has_value());
        EXPECT_TRUE(operation_store(*tx).list_operations({}, 0, 10).empty());
        EXPECT_EQ(access_store(*tx).count_users(), 0);
    }
    {
        auto tx = write();
        tx->insert_region(region);
        operation_store(*tx).insert_operation(sample_operation(uuid(3), region.uuid));
        tx->commit();
    }
    auto tx = read();
    EXPECT_TRUE(tx->find_region(region.uuid).has_value());
    EXPECT_EQ(operation_store(*tx).list_operations({.region_uuid = region.uuid}, 0, 10).size(), 1U);
}

}  // namespace
}  // namespace vergegrid::test::storage
