// pending_restart: a region's fields whose latest outcome is "pending-restart", derived from its
// finished operations' results, until a restart or create of the region reloads it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/common/extensions.hpp"
#include "control/regions/pending_restart.hpp"
#include "control/regions/region_json.hpp"
#include "tests/control/regions/region_fixture.hpp"

namespace vergegrid::control {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

nlohmann::json outcome(const std::string& status) {
    return {{"status", status}, {"mechanism", "m"}, {"value", nullptr}};
}

class PendingRestartTest : public RegionFixture {
  protected:
    void SetUp() override {
        region = create("Alpha");
        region = update(region, {{"placement", {{"simulator_id", kSimulator}}}}).value.region;
        finish_newest("succeeded", {{"fields", nlohmann::json::object()}});
    }

    // The bridge's report on the region's newest operation.
    void finish_newest(const std::string& state, const nlohmann::json& result) {
        store().write([&](plugin_api::StorageTransaction& tx) {
            auto operation = operations(kSimulator).front();
            operation.state = state;
            operation.result = result.dump();
            operation_store(tx).update_operation(operation);
        });
    }

    // An eager change (the restart request makes it one) and the bridge's report on it.
    void change_and_report(const nlohmann::json& change, const nlohmann::json& fields,
                           const std::string& state = "succeeded") {
        region = update(region, change).value.region;
        finish_newest(state, {{"path", "updated"}, {"fields", fields}});
    }

    std::vector<std::string> pending() { return regions.get(region.uuid).pending_restart; }

    RegionRecord region;
};

TEST_F(PendingRestartTest, AFieldReportedPendingIsPendingUntilARestartApplies) {
    EXPECT_THAT(pending(), IsEmpty());
    change_and_report({{"flags", {{"max_prims", 5000}}}, {"restart", true}},
                      {{"flags.max_prims", outcome("pending-restart")}});
    EXPECT_THAT(pending(), ElementsAre("flags.max_prims"));
    EXPECT_THAT(region_answer_json(regions.get(region.uuid)).at("pending_restart"),
                ElementsAre("flags.max_prims"));

    regions.restart(actor(), region.uuid);
    finish_newest("succeeded", {{"path", "restarted"}});  // a result without fields
    EXPECT_THAT(pending(), IsEmpty());
}

TEST_F(PendingRestartTest, TheLatestOutcomeOfEachFieldDecides) {
    change_and_report(
        {{"flags", {{"max_prims", 5000}, {"allow_flying", false}}}, {"restart", true}},
        {{"flags.max_prims", outcome("pending-restart")},
         {"flags.allow_flying", outcome("pending-restart")}});
    change_and_report({{"flags", {{"allow_flying", true}}}, {"restart", true}},
                      {{"flags.allow_flying", outcome("applied-on-restart")}});
    EXPECT_THAT(pending(), ElementsAre("flags.max_prims"));
}

TEST_F(PendingRestartTest, AFailedRestartAppliesNothingAndAFailedFieldIsNotPending) {
    change_and_report({{"flags", {{"max_prims", 5000}}}, {"restart", true}},
                      {{"flags.max_prims", outcome("pending-restart")}});
    regions.restart(actor(), region.uuid);
    finish_newest("failed", {{"error", "create timed out"}});
    EXPECT_THAT(pending(), ElementsAre("flags.max_prims"));

    change_and_report({{"flags", {{"max_prims", 6000}}}, {"restart", true}},
                      {{"flags.max_prims", outcome("failed")}}, "failed");
    EXPECT_THAT(pending(), IsEmpty());
}

TEST_F(PendingRestartTest, OperationsNotFinishedAndOddResultsSayNothing) {
    change_and_report({{"flags", {{"max_prims", 5000}}}, {"restart", true}},
                      {{"flags.max_prims", outcome("pending-restart")}});
    region = update(region, {{"flags", {{"max_prims", 7000}}}, {"restart", true}}).value.region;
    EXPECT_THAT(pending(), ElementsAre("flags.max_prims"));  // the new one is still pending
    finish_newest("succeeded", nlohmann::json("not an object"));
    EXPECT_THAT(pending(), ElementsAre("flags.max_prims"));
}

TEST_F(PendingRestartTest, ListAndChangeAnswersCarryIt) {
    change_and_report({{"flags", {{"max_prims", 5000}}}, {"restart", true}},
                      {{"flags.max_prims", outcome("pending-restart")}});
    const auto listed = regions.list({}, "", 10);
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_THAT(listed[0].pending_restart, ElementsAre("flags.max_prims"));
    const auto changed = update(region, {{"environment", {{"water_height", 30}}}}).value;
    EXPECT_THAT(changed.region.pending_restart, ElementsAre("flags.max_prims"));
    // Derived, never versioned: history and events do not hold it.
    EXPECT_FALSE(region_to_json(changed.region).contains("pending_restart"));
}

TEST(PendingRestartScan, FollowsTheTableOrderAndStopsAtACreate) {
    PendingRestartScan scan;
    plugin_api::Operation newest;
    newest.state = "succeeded";
    newest.kind = "update";
    newest.result = nlohmann::json{{"fields",
                                    {{"terrain.raise_limit", outcome("pending-restart")},
                                     {"flags.max_prims", outcome("pending-restart")},
                                     {"physics_type", outcome("pending-restart")}}}}
                        .dump();
    EXPECT_TRUE(scan.take(newest));
    plugin_api::Operation create = newest;
    create.kind = "create";
    create.result =
        nlohmann::json{{"fields", {{"permissions.allow_damage", outcome("pending-restart")}}}}
            .dump();
    EXPECT_FALSE(scan.take(create));
    EXPECT_THAT(scan.fields(), ElementsAre("physics_type", "terrain.raise_limit",
                                           "permissions.allow_damage", "flags.max_prims"));
}

}  // namespace
}  // namespace vergegrid::control
