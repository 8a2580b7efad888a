// The first region of an empty simulator (issue 12, OpenSim traps 5, 10 and 11): a simulator that
// runs no region cannot create a region's estate live, so the bridge goes to the stub path when
// the estate is missing (or creates the estate once a region runs), and it waits for the regions
// of a fresh start to finish loading before any live create.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace bridge_first_region_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::BridgeStack;
using vergegrid::test::eventually;
using namespace std::chrono_literals;

std::string make_estate(BridgeStack& stack, const std::string& name, const std::string& owner) {
    auto made = stack.admin().post("/api/v1/estates", {{"name", name}, {"owner", owner}});
    EXPECT_EQ(made.status, 201) << made.raw;
    return made.body.value("id", "");
}

json region_body(BridgeStack& stack, const std::string& estate_id, const std::string& name, int x,
                 int port) {
    return {{"name", name},
            {"estate_id", estate_id},
            {"loc_x", x},
            {"loc_y", 1000},
            {"port", port},
            {"host", "127.0.0.1"},
            {"placement", {{"simulator_id", stack.simulator_id()}, {"force", true}}}};
}

TEST(BridgeFirstRegion, TheFirstRegionOfAnEmptySimulatorIsLiveInItsEstateInUnderFiveSeconds) {
    BridgeStack stack;
    stack.start_bridge();
    ASSERT_TRUE(stack.emulator_state().at("regions").empty());
    const std::string mainland = make_estate(stack, "Mainland", "Test User");
    const int port = vergegrid::test::unclaimed_udp_ports(4);

    const auto started = std::chrono::steady_clock::now();
    auto made =
        stack.admin().post("/api/v1/regions", region_body(stack, mainland, "First", 1000, port));
    ASSERT_EQ(made.status, 201) << made.raw;
    const std::string id = made.body.at("id");
    ASSERT_TRUE(eventually([&] { return stack.region_healthy("First"); }, 10s))
        << stack.bridge().output();
    const auto live_after = std::chrono::steady_clock::now() - started;
    auto op = stack.finished_operation(id);
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump() << stack.bridge().output();
    // The acceptance (issue 12): live in under 5 s. The operation ends later: the settings'
    // read-back waits for an archive (admin_save_oar answers after its fixed wait).
    EXPECT_LT(live_after, 5s);
    EXPECT_EQ(op->at("result").at("fields").at("estate_id").at("status"), "applied") << op->dump();
    EXPECT_EQ(stack.emulator_region("First")->at("estate"), "Mainland");
}

TEST(BridgeFirstRegion, ALiveCreateWaitsForTheRegionsOfAFreshStartToFinishLoading) {
    BridgeStack stack;
    // A real simulator's region loader starts stub regions 0.6 s after RemoteAdmin answers.
    stack.set_emulator_args("--region-load-delay-ms 600");
    stack.start_bridge();
    const int port = vergegrid::test::unclaimed_udp_ports(4);
    auto first = stack.create_region("Loaded", 1000, port);
    ASSERT_TRUE(stack.finished_operation(first.at("id")).has_value());
    ASSERT_TRUE(stack.region_healthy("Loaded"));

    // Both go down hard; the next create waits in the control plane for the bridge.
    const int old_pid = stack.emulator_pid();
    stack.kill_bridge();
    ::kill(old_pid, SIGKILL);
    ASSERT_TRUE(eventually([&] { return stack.emulator_state().is_null(); }, 10s));
    auto second = stack.create_region("Second", 1001, port + 1);

    stack.start_bridge();  // starts the simulator: "Loaded" comes from its stub 0.6 s later
    auto op = stack.finished_operation(second.at("id"));
    ASSERT_TRUE(op.has_value()) << stack.bridge().output();
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_EQ(op->at("result").at("path"), "live")
        << "created after the stub regions loaded, not through a restart: " << op->dump();
    const int pid = stack.emulator_pid();
    EXPECT_TRUE(stack.region_healthy("Loaded"));
    EXPECT_TRUE(stack.region_healthy("Second"));
    EXPECT_EQ(stack.emulator_pid(), pid);
}

const std::string kOtherUser = "22222222-3333-4444-5555-666666666666";

// Creates the first region of an empty simulator into a new estate of `owner`; the operation.
json first_region_in_new_estate(BridgeStack& stack, const std::string& owner) {
    stack.set_emulator_args("--user 'Other Person=" + kOtherUser + "'");
    stack.start_bridge();
    const std::string solo = make_estate(stack, "Solo", owner);
    auto made = stack.admin().post(
        "/api/v1/regions",
        region_body(stack, solo, "Only", 1000, vergegrid::test::unclaimed_udp_ports(4)));
    EXPECT_EQ(made.status, 201) << made.raw;
    auto op = stack.finished_operation(made.body.value("id", ""));
    EXPECT_TRUE(op.has_value()) << stack.bridge().output();
    return op.value_or(json::object({{"state", "none"}}));
}

TEST(BridgeFirstRegion, AnOwnerGivenAsAUuidGetsItsNewEstateForTheOnlyRegion) {
    BridgeStack stack;
    const auto op = first_region_in_new_estate(stack, kOtherUser);
    EXPECT_EQ(op.at("state"), "succeeded") << op.dump() << stack.bridge().output();
    EXPECT_EQ(stack.emulator_region("Only")->at("estate"), "Solo");
    EXPECT_THAT(stack.bridge().output(), HasSubstr("estate create " + kOtherUser + " Solo"));
}

TEST(BridgeFirstRegion, AnOwnerKnownOnlyByNameCannotGetANewEstateForTheOnlyRegionAndSaysWhy) {
    // OpenSim's `estate create` takes a UUID, and no running estate of "Other Person" reveals
    // it; admin_create_region could create the estate by name, but not with no region running
    // (trap 5): the region stays up in the default estate and the operation says why.
    BridgeStack stack;
    const auto op = first_region_in_new_estate(stack, "Other Person");
    ASSERT_EQ(op.at("state"), "failed") << op.dump();
    const auto field = op.at("result").at("fields").at("estate_id");
    EXPECT_EQ(field.at("status"), "failed");
    EXPECT_THAT(field.at("reason").get<std::string>(), HasSubstr("Solo"));
    EXPECT_TRUE(stack.region_healthy("Only")) << "created again in its old estate";
    EXPECT_EQ(stack.emulator_region("Only")->at("estate"), "My Estate");
}

}  // namespace
}  // namespace bridge_first_region_test
