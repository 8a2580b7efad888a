// The operation queue: a region change becomes the operation its simulator applies, in the
// transaction of the change. Lazy changes within the sync window merge into one operation with
// the latest spec; an eager change takes the pending lazy one with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/regions/region_delivery.hpp"
#include "tests/control/regions/region_fixture.hpp"

namespace vergegrid::control {
namespace {

using plugin_api::SemVer;

class RegionDeliveryTest : public RegionFixture {
  protected:
    // A region on kSimulator, its "create" operation queued.
    RegionRecord placed(const std::string& name = "Alpha") {
        const auto region = create(name);
        return update(region, {{"placement", {{"simulator_id", kSimulator}}}}).value.region;
    }
};

TEST_F(RegionDeliveryTest, ARegionArrivingOnASimulatorIsAnEagerCreate) {
    const auto region = placed();
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 1U);
    EXPECT_EQ(ops[0].kind, "create");
    EXPECT_EQ(ops[0].op_class, "eager");
    EXPECT_EQ(ops[0].region_uuid, region.uuid);
    EXPECT_EQ(ops[0].region_version, region.version);
    EXPECT_EQ(ops[0].due_at, "");
    EXPECT_EQ(ops[0].state, "pending");
    EXPECT_TRUE(operations(kOtherSimulator).empty());
}

TEST_F(RegionDeliveryTest, LazyChangesMergeIntoOneOperationWithTheLatestSpec) {
    const auto region = placed();
    update(region, {{"environment", {{"water_height", 25}}}});
    const auto last = update(region, {{"environment", {{"water_height", 30}}}}).value.region;
    const auto ops = operations(kSimulator);  // newest first
    ASSERT_EQ(ops.size(), 2U);
    EXPECT_EQ(ops[0].op_class, "lazy");
    EXPECT_EQ(ops[0].kind, "update");
    EXPECT_NE(ops[0].due_at, "");
    EXPECT_EQ(ops[0].region_version, last.version);
    EXPECT_EQ(nlohmann::json::parse(ops[0].spec).at("environment").at("water_height"), 30);
}

TEST_F(RegionDeliveryTest, AnEagerChangeAbsorbsThePendingLazyOne) {
    const auto region = placed();
    update(region, {{"environment", {{"water_height", 25}}}});
    const auto last = update(region, {{"flags", {{"enabled", false}}}}).value.region;
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 2U);
    EXPECT_EQ(ops[0].op_class, "eager");
    EXPECT_EQ(ops[0].kind, "disable");
    EXPECT_EQ(ops[0].due_at, "");
    EXPECT_EQ(ops[0].region_version, last.version);
    const auto spec = nlohmann::json::parse(ops[0].spec);
    EXPECT_EQ(spec.at("environment").at("water_height"), 25);
    EXPECT_EQ(spec.at("flags").at("enabled"), false);
}

TEST_F(RegionDeliveryTest, AMoveTearsDownOnTheOldSimulatorAndCreatesOnTheNew) {
    const auto region = placed();
    update(region, {{"placement", {{"simulator_id", kOtherSimulator}}}});
    const auto old_ops = operations(kSimulator);
    ASSERT_EQ(old_ops.size(), 2U);
    EXPECT_EQ(old_ops[0].kind, "delete");
    EXPECT_EQ(old_ops[0].spec, "");
    const auto new_ops = operations(kOtherSimulator);
    ASSERT_EQ(new_ops.size(), 1U);
    EXPECT_EQ(new_ops[0].kind, "create");
}

TEST_F(RegionDeliveryTest, ADeleteQueuesADeleteAndARestartARestart) {
    const auto region = placed();
    regions.restart(actor(), region.uuid);
    EXPECT_EQ(operations(kSimulator)[0].kind, "restart");
    regions.remove(actor(), {region.uuid, std::nullopt});
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 3U);
    EXPECT_EQ(ops[0].kind, "delete");
    EXPECT_EQ(ops[0].op_class, "eager");
}

TEST_F(RegionDeliveryTest, TheSpecCarriesTheRegionsEstateByValue) {
    placed();
    const auto spec = nlohmann::json::parse(operations(kSimulator)[0].spec);
    EXPECT_EQ(
        spec.at("estate"),
        (nlohmann::json{{"id", estate_id}, {"name", "Mainland"}, {"owner", "Estate Governor"}}));
    EXPECT_FALSE(spec.contains("apply_restart"));  // absent = false
}

TEST_F(RegionDeliveryTest, AChangeAskingForARestartIsEagerAndAppliesRestartFields) {
    const auto region = placed();
    update(region, {{"flags", {{"allow_flying", false}}}, {"restart", true}});
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 2U);
    EXPECT_EQ(ops[0].op_class, "eager");  // a patch-level change, lazy without the restart
    EXPECT_EQ(ops[0].kind, "update");
    const auto spec = nlohmann::json::parse(ops[0].spec);
    EXPECT_EQ(spec.at("apply_restart"), true);
    EXPECT_FALSE(spec.contains("restart"));  // a request for the change, not a field
    EXPECT_EQ(spec.at("flags").at("allow_flying"), false);
}

TEST_F(RegionDeliveryTest, ARestartAppliesTheOnRestartFields) {
    const auto region = placed();
    regions.restart(actor(), region.uuid);
    const auto ops = operations(kSimulator);
    EXPECT_EQ(ops[0].kind, "restart");
    EXPECT_EQ(nlohmann::json::parse(ops[0].spec).at("apply_restart"), true);
}

TEST_F(RegionDeliveryTest, ARestartWithNothingChangedRestartsTheRegion) {
    const auto region = placed();
    const auto answer = update(region, {{"restart", true}}).value;
    EXPECT_EQ(answer.change, "none");
    EXPECT_EQ(answer.region.version, region.version);
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 2U);
    EXPECT_EQ(ops[0].kind, "restart");
    EXPECT_EQ(ops[0].op_class, "eager");
}

TEST_F(RegionDeliveryTest, ARestartRequestAbsorbsThePendingLazyChange) {
    const auto region = placed();
    update(region, {{"environment", {{"water_height", 25}}}});
    update(region, {{"flags", {{"allow_flying", false}}}, {"restart", true}});
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 2U);
    EXPECT_EQ(ops[0].op_class, "eager");
    const auto spec = nlohmann::json::parse(ops[0].spec);
    EXPECT_EQ(spec.at("apply_restart"), true);
    EXPECT_EQ(spec.at("environment").at("water_height"), 25);
}

TEST_F(RegionDeliveryTest, QueueingNamesTheSimulatorsToNotifyAfterTheCommit) {
    const auto region = placed();
    auto after = region;
    after.environment.water_height = 40;
    after.version = {1, 1, 1};
    const auto sync = sync_.get();
    QueuedNotifications lazy;
    store().write([&](plugin_api::StorageTransaction& tx) {
        queue_region_operation(tx, *sync, &region, &after, region_change(region, after), "", lazy);
    });
    EXPECT_TRUE(lazy.simulators.empty());
    ASSERT_EQ(lazy.due.size(), 1U);
    EXPECT_EQ(lazy.due[0], (std::pair<std::string, long>{kSimulator, 60}));

    QueuedNotifications eager;
    store().write([&](plugin_api::StorageTransaction& tx) {
        queue_region_operation(tx, *sync, &region, &region, RegionChange{}, "restart", eager);
    });
    ASSERT_EQ(eager.simulators.size(), 1U);
    EXPECT_EQ(eager.simulators[0].first, kSimulator);
    EXPECT_TRUE(eager.due.empty());
}

}  // namespace
}  // namespace vergegrid::control
