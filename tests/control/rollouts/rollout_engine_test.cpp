// The rollout engine's rules over real storage (SQLite and its RolloutLedger) and the real
// RegionService and OperationService, the test reporting as the simulator: max_unavailable
// limits the regions upgrading at once and a confirmation starts the next; a region on no
// simulator counts as upgraded at once; a region not confirmed within deadline_s fails and, at
// the threshold, the rollout rolls back what it changed; every step is audited.
#include <gmock/gmock.h>

#include <chrono>
#include <thread>

#include "control/operations/operation_service.hpp"
#include "control/rollouts/rollout_service.hpp"
#include "control/templates/template_service.hpp"
#include "tests/control/regions/region_fixture.hpp"

namespace vergegrid::control {
namespace {

class RolloutEngineTest : public RegionFixture {
  protected:
    // The template at 1.0.1 when the regions are made: the rollouts take them back to 1.0.0, a
    // version other than the latest.
    RolloutEngineTest() {
        TemplateSpec spec;
        spec.environment.water_height = 20;
        template_id = TemplateService(store()).create(actor(), {"Sandbox", spec}).value.id;
        TemplateService(store()).update(
            actor(), {template_id, std::nullopt, {{"environment", {{"water_height", 35}}}}});
    }

    // A region of the template, then pinned to kSimulator (or left on no simulator).
    std::string region(const std::string& name, int x, bool placed = true) {
        const auto created = regions.create(actor(), {{{"name", name},
                                                       {"estate_id", estate_id},
                                                       {"template_id", template_id},
                                                       {"loc_x", x},
                                                       {"loc_y", 1000},
                                                       {"host", "sim.example.org"},
                                                       {"port", 9000 + x % 1000}}});
        if (placed) {
            update(created.value.region, {{"placement", {{"simulator_id", kSimulator}}}});
        }
        return created.value.region.uuid;
    }

    RolloutService rollouts() {
        return RolloutService(
            store(), std::make_shared<const RegionService>(
                         store(), RegionChannel{&sync_, &signals},
                         std::make_shared<PlacementService>(
                             no_policy, "", std::vector<std::string>{}, nullptr, PortRange{})));
    }

    // The simulator pulls its operations and reports the result of `region_id`'s newest one.
    void report(const std::string& region_id, const std::string& state) {
        OperationService operations(store(), signals, pending_keys);
        operations.on_result([this](Changes& changes, const plugin_api::Operation& operation) {
            rollouts().on_operation_result(changes, operation);
        });
        const SimulatorCaller caller{kSimulator, false, "", std::string("simulator:") + kSimulator,
                                     "req-sim"};
        std::get<PullAnswer>(operations.pull(caller, 0));
        const auto newest = store().read([&](plugin_api::StorageTransaction& tx) {
            return operation_store(tx).list_operations({"", region_id, ""}, 0, 1).front();
        });
        operations.record_result(caller, {newest.id, state, nlohmann::json::object()});
    }

    static int count(const nlohmann::json& rollout, const std::string& state) {
        return rollout.at("progress").at(state).get<int>();
    }

    std::string template_id;
    PendingKeys pending_keys;
};

TEST_F(RolloutEngineTest, MaxUnavailableLimitsTheRegionsUpgradingAtOnce) {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(region("Sand " + std::to_string(i), 1000 + i));
    }
    const auto created =
        rollouts().create(actor(), template_id, {{"to_version", "1.0.0"}, {"max_unavailable", 2}});
    ASSERT_TRUE(created.value.created);
    const std::string id = created.value.body.at("id");
    auto now = rollouts().get(id);
    EXPECT_EQ(count(now, "upgrading"), 2);
    EXPECT_EQ(count(now, "waiting"), 3);

    report(ids[0], "succeeded");
    now = rollouts().get(id);
    EXPECT_EQ(count(now, "upgraded"), 1);
    EXPECT_EQ(count(now, "upgrading"), 2);  // the next one started with the confirmation
    for (const auto& region_id : ids) {
        report(region_id, "succeeded");
    }
    now = rollouts().get(id);
    EXPECT_EQ(now.at("state"), "succeeded") << now.dump(2);
    EXPECT_EQ(count(now, "upgraded"), 5);
    std::vector<std::string> actions;
    for (const auto& entry : audit()) {
        if (entry.entity_type == "rollout") {
            actions.insert(actions.begin(), entry.action);
        }
    }
    EXPECT_THAT(actions, ::testing::ElementsAre("rollout.create", "rollout.succeed"));
}

TEST_F(RolloutEngineTest, ARegionOnNoSimulatorCountsAsUpgradedAtOnce) {
    const auto id = region("Floating", 1000, false);
    const auto created = rollouts().create(actor(), template_id, {{"to_version", "1.0.0"}});
    const auto& body = created.value.body;
    EXPECT_EQ(body.at("state"), "succeeded") << body.dump(2);
    EXPECT_EQ(body.at("regions").at(0).at("to_version"), "1.1.0");
    EXPECT_EQ(regions.get(id).version.to_string(), "1.1.0");
}

TEST_F(RolloutEngineTest, NoConfirmationWithinTheDeadlineFailsAndRollsBack) {
    const auto first = region("Sand 1", 1001);
    const auto second = region("Sand 2", 1002);
    const auto created = rollouts().create(
        actor(), template_id, {{"to_version", "1.0.0"}, {"waves", {1, "100%"}}, {"deadline_s", 1}});
    const std::string id = created.value.body.at("id");
    report(first, "succeeded");  // wave 1 confirmed: wave 2 (Sand 2) starts
    EXPECT_EQ(count(rollouts().get(id), "upgrading"), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(rollouts().advance_all(), 1);
    const auto now = rollouts().get(id);
    EXPECT_EQ(now.at("state"), "rolled_back") << now.dump(2);
    EXPECT_EQ(count(now, "rolled_back"), 2);
    EXPECT_THAT(now.at("regions").at(1).at("error").get<std::string>(),
                ::testing::HasSubstr("within 1 s"));
    for (const auto& region_id : {first, second}) {
        const auto back = regions.get(region_id);
        EXPECT_EQ(back.version.to_string(), "1.3.0");  // 1.1.0 pinned, 1.2.0 upgraded
        EXPECT_EQ(back.template_data.template_version->to_string(), "1.0.1");
        EXPECT_EQ(back.environment.water_height, 35);
    }
    EXPECT_EQ(rollouts().advance_all(), 0);  // nothing running any more
}

}  // namespace
}  // namespace vergegrid::control
