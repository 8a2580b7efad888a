// RolloutLedger (plugin ABI 1.11), the records of template rollouts and their regions: every
// field round-trips and updates, newest-first keyset paging per template, the active rollouts
// oldest first, a rollout's regions by wave, the region waiting for an operation, and updates of
// a missing row refused.
#include <gmock/gmock.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage_contract.hpp"
#include "vergegrid/plugin_api/storage_rollouts.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

api::RolloutLedger& rollout_ledger(api::StorageTransaction& tx) {
    auto* ledger = dynamic_cast<api::RolloutLedger*>(&tx);
    if (ledger == nullptr) {
        throw std::runtime_error("the transaction does not implement RolloutLedger (ABI 1.11)");
    }
    return *ledger;
}

api::Rollout sample_rollout(int n, const std::string& template_id, const std::string& at) {
    api::Rollout r;
    r.id = uuid(500 + n);
    r.template_id = template_id;
    r.to_version = "2." + std::to_string(n) + ".0";
    r.state = "running";
    r.spec = R"({"waves":[1,"10%","100%"],"failure_threshold":2,"canaries":["Åsgard"]})";
    r.current_wave = 1;
    r.next_wave_at = "2026-12-01T10:05:00.000Z";
    r.error = "";
    r.actor = "admin «ops»";
    r.created_at = at;
    r.updated_at = at;
    return r;
}

api::RolloutRegion sample_rollout_region(const std::string& rollout_id, int n, int wave,
                                         long long operation_id = 0) {
    api::RolloutRegion r;
    r.rollout_id = rollout_id;
    r.region_id = uuid(700 + n);
    r.region_name = "Region Ω " + std::to_string(n);
    r.wave = wave;
    r.state = operation_id == 0 ? "waiting" : "upgrading";
    r.from_version = "1.0." + std::to_string(n);
    r.to_version = operation_id == 0 ? "" : "2.0.0";
    r.operation_id = operation_id;
    r.started_at = operation_id == 0 ? "" : "2026-12-01T10:00:0" + std::to_string(n % 10) + ".000Z";
    r.finished_at = "";
    r.error = "";
    return r;
}

std::string dump(const api::Rollout& r) {
    return r.id + "|" + r.template_id + "|" + r.to_version + "|" + r.state + "|" + r.spec + "|" +
           std::to_string(r.current_wave) + "|" + r.next_wave_at + "|" + r.error + "|" + r.actor +
           "|" + r.created_at + "|" + r.updated_at;
}

std::string dump(const api::RolloutRegion& r) {
    return r.rollout_id + "|" + r.region_id + "|" + r.region_name + "|" + std::to_string(r.wave) +
           "|" + r.state + "|" + r.from_version + "|" + r.to_version + "|" +
           std::to_string(r.operation_id) + "|" + r.started_at + "|" + r.finished_at + "|" +
           r.error;
}

std::vector<std::string> ids_of(const std::vector<api::Rollout>& rollouts) {
    std::vector<std::string> out;
    for (const auto& r : rollouts) {
        out.push_back(r.id);
    }
    return out;
}

std::vector<std::string> regions_of(const std::vector<api::RolloutRegion>& regions) {
    std::vector<std::string> out;
    for (const auto& r : regions) {
        out.push_back(r.region_id);
    }
    return out;
}

constexpr long long kBigOperation = 6'000'000'321LL;  // beyond 32 bits

TEST_P(StorageContract, RolloutsRoundTripAndUpdateEveryField) {
    const api::Rollout original = sample_rollout(1, uuid(1), "2026-12-01T10:00:00.000Z");
    {
        auto tx = write();
        rollout_ledger(*tx).insert_rollout(original);
        EXPECT_EQ(dump(rollout_ledger(*tx).find_rollout(original.id).value()), dump(original));
        tx->commit();
    }
    {
        auto tx = read();
        EXPECT_EQ(dump(rollout_ledger(*tx).find_rollout(original.id).value()), dump(original));
        EXPECT_FALSE(rollout_ledger(*tx).find_rollout(uuid(999)).has_value());
    }
    api::Rollout changed = original;
    changed.template_id = uuid(2);
    changed.to_version = "3.1.4";
    changed.state = "rolled_back";
    changed.spec = R"({"waves":["100%"]})";
    changed.current_wave = 2;
    changed.next_wave_at = "";
    changed.error = "2 regions of wave 2 failed: «timeout»";
    changed.actor = "system";
    changed.created_at = "2026-12-01T09:00:00.000Z";
    changed.updated_at = "2026-12-01T11:00:00.000Z";
    {
        auto tx = write();
        rollout_ledger(*tx).update_rollout(changed);
        tx->commit();
    }
    auto tx = write();
    EXPECT_EQ(dump(rollout_ledger(*tx).find_rollout(original.id).value()), dump(changed));
    EXPECT_THROW(rollout_ledger(*tx).update_rollout(sample_rollout(9, uuid(1), "x")),
                 api::StorageError);
}

TEST_P(StorageContract, RolloutsListNewestFirstPerTemplateAndActiveOldestFirst) {
    auto a = sample_rollout(1, uuid(1), "2026-12-01T10:00:00.000Z");
    auto b = sample_rollout(2, uuid(2), "2026-12-01T10:00:01.000Z");
    auto c = sample_rollout(3, uuid(1), "2026-12-01T10:00:02.000Z");
    auto d = sample_rollout(4, uuid(1), "2026-12-01T10:00:02.000Z");  // same time: by id
    a.state = "planned";
    b.state = "paused";
    c.state = "succeeded";
    {
        auto tx = write();
        for (const auto& r : {a, b, c, d}) {
            rollout_ledger(*tx).insert_rollout(r);
        }
        tx->commit();
    }
    auto tx = read();
    auto& ledger = rollout_ledger(*tx);
    EXPECT_THAT(ids_of(ledger.list_rollouts("", "", "", 10)), ElementsAre(d.id, c.id, b.id, a.id));
    EXPECT_THAT(ids_of(ledger.list_rollouts(uuid(1), "", "", 10)), ElementsAre(d.id, c.id, a.id));
    EXPECT_THAT(ids_of(ledger.list_rollouts(uuid(1), "", "", 1)), ElementsAre(d.id));
    EXPECT_THAT(ids_of(ledger.list_rollouts(uuid(1), d.created_at, d.id, 10)),
                ElementsAre(c.id, a.id));
    EXPECT_THAT(ids_of(ledger.list_rollouts("", "", "", 0)), IsEmpty());
    EXPECT_THAT(ids_of(ledger.list_active_rollouts()), ElementsAre(a.id, b.id, d.id));
}

TEST_P(StorageContract, RolloutRegionsByWaveAndByOperation) {
    const auto rollout = sample_rollout(1, uuid(1), "2026-12-01T10:00:00.000Z");
    const auto other = sample_rollout(2, uuid(1), "2026-12-01T10:00:01.000Z");
    auto canary = sample_rollout_region(rollout.id, 5, 0, kBigOperation);
    auto second = sample_rollout_region(rollout.id, 2, 1);
    auto third = sample_rollout_region(rollout.id, 1, 1);
    auto elsewhere = sample_rollout_region(other.id, 1, 0);
    {
        auto tx = write();
        auto& ledger = rollout_ledger(*tx);
        ledger.insert_rollout(rollout);
        ledger.insert_rollout(other);
        for (const auto& r : {second, canary, third, elsewhere}) {
            ledger.insert_rollout_region(r);
        }
        tx->commit();
    }
    {
        auto tx = read();
        auto& ledger = rollout_ledger(*tx);
        const auto listed = ledger.list_rollout_regions(rollout.id);
        // Wave 0, then wave 1 by name ("Region Ω 1" before "Region Ω 2").
        EXPECT_THAT(regions_of(listed),
                    ElementsAre(canary.region_id, third.region_id, second.region_id));
        EXPECT_EQ(dump(listed.front()), dump(canary));
        EXPECT_EQ(dump(listed.back()), dump(second));
        EXPECT_EQ(dump(ledger.find_rollout_region_by_operation(kBigOperation).value()),
                  dump(canary));
        EXPECT_FALSE(ledger.find_rollout_region_by_operation(0).has_value());
        EXPECT_FALSE(ledger.find_rollout_region_by_operation(42).has_value());
        EXPECT_THAT(regions_of(ledger.list_rollout_regions(uuid(999))), IsEmpty());
    }
    canary.state = "rolled_back";
    canary.region_name = "Renamed";
    canary.wave = 3;
    canary.from_version = "1.9.9";
    canary.to_version = "2.0.1";
    canary.operation_id = 0;
    canary.started_at = "2026-12-01T10:01:00.000Z";
    canary.finished_at = "2026-12-01T10:02:00.000Z";
    canary.error = "the simulator reported: «no physics»";
    {
        auto tx = write();
        rollout_ledger(*tx).update_rollout_region(canary);
        tx->commit();
    }
    auto tx = write();
    auto& ledger = rollout_ledger(*tx);
    EXPECT_EQ(dump(ledger.list_rollout_regions(rollout.id).back()), dump(canary));
    EXPECT_FALSE(ledger.find_rollout_region_by_operation(kBigOperation).has_value());
    EXPECT_THROW(ledger.update_rollout_region(sample_rollout_region(rollout.id, 9, 0)),
                 api::StorageError);
}

}  // namespace
}  // namespace vergegrid::test::storage
