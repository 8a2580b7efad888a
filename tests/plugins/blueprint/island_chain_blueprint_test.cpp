// The "island-chain" blueprint through its real shared object: islands a water gap apart along
// each direction, the template's size in the step, the defaults, and a chain that would leave the
// grid refused by name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/plugins/blueprint/blueprint_facts.hpp"
#include "tests/support/builtin_plugin.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using vergegrid::test::blueprint_input;
using vergegrid::test::BuiltinPlugin;
using vergegrid::test::parsed;
using vergegrid::test::refused_field;

class IslandChainBlueprintTest : public ::testing::Test {
  protected:
    BuiltinPlugin plugin_{"vg-blueprint-island-chain.so", "blueprint", "island-chain"};
    std::shared_ptr<api::Blueprint> chain_ = plugin_.make<api::Blueprint>();
};

TEST_F(IslandChainBlueprintTest, DescribesItsDirectionsAndDefaults) {
    const auto schema = nlohmann::json::parse(chain_->describe())["parameters"];
    EXPECT_EQ(schema["properties"]["direction"]["default"], "east");
    EXPECT_THAT(schema["properties"]["direction"]["enum"].get<std::vector<std::string>>(),
                ::testing::Contains("south-west"));
    EXPECT_EQ(schema["properties"]["water"]["default"], 1);
    EXPECT_EQ(schema["properties"]["water"]["minimum"], 1);
}

TEST_F(IslandChainBlueprintTest, LeavesTheWaterGapBetweenIslandsEastByDefault) {
    const auto islands = parsed(chain_->plan(blueprint_input(
        {{"template", "Small"}, {"count", 3}, {"x", 100}, {"y", 200}, {"prefix", "Isle"}})));
    ASSERT_EQ(islands.size(), 3U);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(islands[i]["name"], "Isle-" + std::to_string(i + 1));
        EXPECT_EQ(islands[i]["loc_x"], 100 + 2 * i);
        EXPECT_EQ(islands[i]["loc_y"], 200);
    }
}

TEST_F(IslandChainBlueprintTest, RunsDiagonallyStepsByTheTemplatesSize) {
    const auto islands = parsed(chain_->plan(blueprint_input({{"template", "Large"},
                                                              {"count", 3},
                                                              {"x", 100},
                                                              {"y", 200},
                                                              {"prefix", "Atoll"},
                                                              {"direction", "north-west"},
                                                              {"water", 3}})));
    ASSERT_EQ(islands.size(), 3U);
    EXPECT_EQ(islands[2]["loc_x"], 100 - 2 * 5);  // 2 cells of island, 3 of water
    EXPECT_EQ(islands[2]["loc_y"], 200 + 2 * 5);
    EXPECT_EQ(islands[2]["template_id"], vergegrid::test::kLargeTemplate);
}

TEST_F(IslandChainBlueprintTest, RefusesAChainThatLeavesTheGridAndBadParameters) {
    const nlohmann::json base{
        {"template", "Small"}, {"count", 3}, {"x", 2}, {"y", 2}, {"prefix", "P"}};
    auto west = base;
    west["direction"] = "west";
    EXPECT_EQ(refused_field(*chain_, blueprint_input(west)), "direction");
    west["count"] = 2;
    EXPECT_EQ(refused_field(*chain_, blueprint_input(west)), "");
    auto sideways = base;
    sideways["direction"] = "up";
    EXPECT_EQ(refused_field(*chain_, blueprint_input(sideways)), "direction");
    auto dry = base;
    dry["water"] = 0;
    EXPECT_EQ(refused_field(*chain_, blueprint_input(dry)), "water");
    auto many = base;
    many["count"] = 101;
    EXPECT_EQ(refused_field(*chain_, blueprint_input(many)), "count");
}

}  // namespace
