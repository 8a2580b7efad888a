// The "grid" blueprint through its real shared object: its schema, the cells and names of a
// continent (row by row from the south-west corner, templates of two sizes, a gap), the estate
// defaulting to the grid's only one, and every bad parameter refused by name.
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

class GridBlueprintTest : public ::testing::Test {
  protected:
    BuiltinPlugin plugin_{"vg-blueprint-grid.so", "blueprint", "grid"};
    std::shared_ptr<api::Blueprint> grid_ = plugin_.make<api::Blueprint>();
};

TEST_F(GridBlueprintTest, DescribesItselfWithAJsonSchema) {
    const auto described = nlohmann::json::parse(grid_->describe());
    EXPECT_THAT(described["description"].get<std::string>(), ::testing::HasSubstr("continent"));
    const auto& schema = described["parameters"];
    EXPECT_EQ(schema["type"], "object");
    EXPECT_EQ(schema["properties"]["columns"]["type"], "integer");
    EXPECT_EQ(schema["properties"]["columns"]["minimum"], 1);
    EXPECT_EQ(schema["properties"]["gap"]["default"], 0);
    EXPECT_THAT(schema["required"].get<std::vector<std::string>>(),
                ::testing::IsSupersetOf({"template", "columns", "rows", "x", "y", "prefix"}));
}

TEST_F(GridBlueprintTest, PlansAContinentRowByRowFromTheSouthWestCorner) {
    const auto regions = parsed(grid_->plan(blueprint_input({{"template", "Small"},
                                                             {"columns", 3},
                                                             {"rows", 2},
                                                             {"x", 1000},
                                                             {"y", 2000},
                                                             {"prefix", "Main"}})));
    ASSERT_EQ(regions.size(), 6U);
    const std::vector<std::tuple<std::string, int, int>> expected{
        {"Main-1", 1000, 2000}, {"Main-2", 1001, 2000}, {"Main-3", 1002, 2000},
        {"Main-4", 1000, 2001}, {"Main-5", 1001, 2001}, {"Main-6", 1002, 2001}};
    for (std::size_t i = 0; i < regions.size(); ++i) {
        EXPECT_EQ(regions[i]["name"], std::get<0>(expected[i]));
        EXPECT_EQ(regions[i]["loc_x"], std::get<1>(expected[i]));
        EXPECT_EQ(regions[i]["loc_y"], std::get<2>(expected[i]));
        EXPECT_EQ(regions[i]["template_id"], vergegrid::test::kSmallTemplate);
        EXPECT_EQ(regions[i]["estate_id"], vergegrid::test::kMainEstate);
        EXPECT_EQ(regions[i].size(), 5U) << regions[i].dump();
    }
}

TEST_F(GridBlueprintTest, StepsByTheTemplatesSizeAndTheGap) {
    const auto regions =
        parsed(grid_->plan(blueprint_input({{"template", vergegrid::test::kLargeTemplate},
                                            {"columns", 2},
                                            {"rows", 2},
                                            {"x", 10},
                                            {"y", 20},
                                            {"prefix", "Big"},
                                            {"gap", 1},
                                            {"estate", "main"}})));
    ASSERT_EQ(regions.size(), 4U);
    EXPECT_EQ(regions[1]["loc_x"], 13);  // 2 cells wide, 1 cell of gap
    EXPECT_EQ(regions[1]["loc_y"], 20);
    EXPECT_EQ(regions[2]["loc_x"], 10);
    EXPECT_EQ(regions[2]["loc_y"], 23);
    EXPECT_EQ(regions[3]["name"], "Big-4");
    EXPECT_EQ(regions[3]["template_id"], vergegrid::test::kLargeTemplate);
}

TEST_F(GridBlueprintTest, NamesTheEstateWhenTheGridHasSeveral) {
    const nlohmann::json parameters{
        {"template", "Small"}, {"columns", 1}, {"rows", 1}, {"x", 0}, {"y", 0}, {"prefix", "P"}};
    EXPECT_EQ(refused_field(*grid_, blueprint_input(parameters, true)), "estate");
    auto named = parameters;
    named["estate"] = "Other";
    const auto regions = parsed(grid_->plan(blueprint_input(named, true)));
    ASSERT_EQ(regions.size(), 1U);
    EXPECT_EQ(regions[0]["estate_id"], vergegrid::test::kOtherEstate);
}

TEST_F(GridBlueprintTest, RefusesBadParametersByName) {
    const nlohmann::json good{
        {"template", "Small"}, {"columns", 2}, {"rows", 2}, {"x", 0}, {"y", 0}, {"prefix", "P"}};
    const auto with = [&](const std::string& name, const nlohmann::json& value) {
        auto parameters = good;
        if (value.is_null()) {
            parameters.erase(name);
        } else {
            parameters[name] = value;
        }
        return refused_field(*grid_, blueprint_input(parameters));
    };
    EXPECT_EQ(refused_field(*grid_, blueprint_input(good)), "");
    EXPECT_EQ(with("columns", 0), "columns");
    EXPECT_EQ(with("rows", 33), "rows");
    EXPECT_EQ(with("columns", "two"), "columns");
    EXPECT_EQ(with("x", -1), "x");
    EXPECT_EQ(with("prefix", nullptr), "prefix");
    EXPECT_EQ(with("prefix", ""), "prefix");
    EXPECT_EQ(with("template", "Missing"), "template");
    EXPECT_EQ(with("estate", "Nowhere"), "estate");
    EXPECT_EQ(with("colour", "blue"), "colour");
    auto not_an_object = blueprint_input(good);
    not_an_object.parameters = "[1]";
    EXPECT_EQ(refused_field(*grid_, not_an_object), "parameters");
}

}  // namespace
