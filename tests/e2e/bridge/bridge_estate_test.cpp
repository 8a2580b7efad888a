// Estates end to end (issue 12): a region joins the OpenSim estate its VergeGrid estate names, a
// change of estate through the API moves the running region, and an owner the simulator's user
// service does not know fails the operation at once. Read back from the emulator's GET /state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace bridge_estate_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::BridgeStack;
using namespace std::chrono_literals;

class BridgeEstates : public ::testing::Test {
  protected:
    void SetUp() override {
        stack_.start_bridge();
        port_ = vergegrid::test::unclaimed_udp_ports(12);
        // A region in the default estate first: the simulator is not empty (the first region of
        // an empty simulator has its own test).
        home_ = create_in(stack_.estate_id(), "Home", 1000);
        ASSERT_EQ(finished(home_).at("state"), "succeeded");
    }

    std::string estate(const std::string& name, const std::string& owner) {
        auto made = stack_.admin().post("/api/v1/estates", {{"name", name}, {"owner", owner}});
        EXPECT_EQ(made.status, 201) << made.raw;
        return made.body.value("id", "");
    }

    std::string create_in(const std::string& estate_id, const std::string& name, int x) {
        auto made = stack_.admin().post(
            "/api/v1/regions",
            {{"name", name},
             {"estate_id", estate_id},
             {"loc_x", x},
             {"loc_y", 1000},
             {"port", port_ + (x - 1000)},
             {"host", "127.0.0.1"},
             {"placement", {{"simulator_id", stack_.simulator_id()}, {"force", true}}}});
        EXPECT_EQ(made.status, 201) << made.raw;
        return made.body.value("id", "");
    }

    json finished(const std::string& region_id) {
        auto op = stack_.finished_operation(region_id);
        EXPECT_TRUE(op.has_value()) << stack_.bridge().output();
        return op.value_or(json::object({{"state", "none"}}));
    }

    std::string estate_of(const std::string& region_name) {
        auto region = stack_.emulator_region(region_name);
        return region ? region->value("estate", "") : "(not running)";
    }

    BridgeStack stack_;
    int port_ = 0;
    std::string home_;
};

TEST_F(BridgeEstates, AnEstateChangeThroughTheApiMovesTheRunningRegionAndBack) {
    const std::string mainland = estate("Mainland", "Test User");
    const std::string id = create_in(stack_.estate_id(), "Mover", 1001);
    ASSERT_EQ(finished(id).at("state"), "succeeded");
    ASSERT_EQ(estate_of("Mover"), "My Estate");
    const int pid = stack_.emulator_pid();

    ASSERT_EQ(stack_.admin().patch("/api/v1/regions/" + id, {{"estate_id", mainland}}).status, 200);
    auto moved = finished(id);
    ASSERT_EQ(moved.at("kind"), "update") << moved.dump();
    ASSERT_EQ(moved.at("state"), "succeeded") << moved.dump() << stack_.bridge().output();
    const auto field = moved.at("result").at("fields").at("estate_id");
    EXPECT_EQ(field.at("status"), "applied") << field.dump();
    EXPECT_EQ(field.at("value").at("name"), "Mainland") << "read back from the simulator";
    EXPECT_EQ(estate_of("Mover"), "Mainland");
    EXPECT_EQ(estate_of("Home"), "My Estate") << "only the region moved";
    EXPECT_EQ(stack_.emulator_pid(), pid) << "moved live, no simulator restart";
    const auto state = stack_.emulator_state();
    bool owned = false;
    for (const auto& e : state.at("estates")) {
        if (e.at("name") == "Mainland") {
            for (const auto& user : state.at("users")) {
                owned = owned || (user.at("id") == e.at("owner") && user.at("first") == "Test" &&
                                  user.at("last") == "User");
            }
        }
    }
    EXPECT_TRUE(owned) << "the new OpenSim estate belongs to the estate's owner: " << state.dump();

    // And back into the default estate, which the simulator already has.
    ASSERT_EQ(
        stack_.admin().patch("/api/v1/regions/" + id, {{"estate_id", stack_.estate_id()}}).status,
        200);
    auto back = finished(id);
    ASSERT_EQ(back.at("state"), "succeeded") << back.dump();
    EXPECT_EQ(back.at("result").at("fields").at("estate_id").at("value").at("name"), "My Estate");
    EXPECT_EQ(estate_of("Mover"), "My Estate");
    EXPECT_TRUE(stack_.region_healthy("Mover"));
}

TEST_F(BridgeEstates, ARegionCreatedIntoANewEstateCreatesItOwnedByTheEstatesOwner) {
    const std::string islands = estate("Islands", "Test User");
    const std::string id = create_in(islands, "Island", 1001);
    auto op = finished(id);
    ASSERT_EQ(op.at("state"), "succeeded") << op.dump() << stack_.bridge().output();
    EXPECT_EQ(op.at("result").at("path"), "live");
    EXPECT_EQ(op.at("result").at("fields").at("estate_id").at("status"), "applied");
    EXPECT_EQ(estate_of("Island"), "Islands");
    const auto stub = stack_.stub_of(id);
    std::ifstream in(stub);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(text, HasSubstr("TargetEstate = Islands\n"));
}

TEST_F(BridgeEstates, AnOwnerTheSimulatorDoesNotKnowFailsTheCreateAtOnceWithThatReason) {
    const std::string nowhere = estate("Nowhere", "Nobody Here");
    const int pid = stack_.emulator_pid();
    const auto started = std::chrono::steady_clock::now();
    const std::string id = create_in(nowhere, "Lost", 1001);
    auto op = finished(id);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(op.at("state"), "failed") << op.dump();
    const std::string error = op.at("result").at("error");
    EXPECT_THAT(error, HasSubstr("Nobody Here"));
    EXPECT_THAT(error, HasSubstr("user service"));
    EXPECT_LT(took, 10s) << "not a timeout";
    EXPECT_EQ(stack_.emulator_pid(), pid) << "no restart into the same failure";
    EXPECT_FALSE(stack_.emulator_region("Lost").has_value());
    EXPECT_FALSE(std::filesystem::exists(stack_.stub_of(id)));
    EXPECT_TRUE(stack_.region_healthy("Home"));
}

}  // namespace
}  // namespace bridge_estate_test
