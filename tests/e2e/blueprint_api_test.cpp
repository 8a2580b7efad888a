// Blueprints through the real HTTP API of a real vergegrid-control (SQLite) with the built-in
// grid and island-chain plugins: the list with schemas, a plan that writes nothing, an apply that
// creates every region at its cell with its name and one audit event, and an apply that would
// overlap an existing region creating nothing at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace blueprint_api_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

class BlueprintApi : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        api_ = std::make_unique<ApiClient>(control_->port());
        auto estate =
            api_->post("/api/v1/estates", {{"name", "Mainland"}, {"owner", "Grid Owner"}});
        ASSERT_EQ(estate.status, 201) << estate.raw;
        auto tmpl =
            api_->post("/api/v1/templates", {{"name", "Plain"}, {"size_x", 256}, {"size_y", 256}});
        ASSERT_EQ(tmpl.status, 201) << tmpl.raw;
        template_id_ = tmpl.body.at("id");
    }

    std::size_t count(const std::string& path) const {
        return vergegrid::test::all_items(*api_, path, "after").size();
    }
    std::size_t audit_count() const {
        return api_->get("/api/v1/audit?limit=500").body.at("items").size();
    }

    static json grid(int columns, int rows, int x, int y, const std::string& prefix) {
        return {{"parameters",
                 {{"template", "Plain"},
                  {"columns", columns},
                  {"rows", rows},
                  {"x", x},
                  {"y", y},
                  {"prefix", prefix}}}};
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> api_;
    std::string template_id_;
};

TEST_F(BlueprintApi, ListsTheBuiltInBlueprintsWithTheirParameterSchemas) {
    const auto listed = api_->get("/api/v1/blueprints");
    ASSERT_EQ(listed.status, 200) << listed.raw;
    std::set<std::string> names;
    for (const auto& item : listed.body.at("items")) {
        names.insert(item.at("name").get<std::string>());
        EXPECT_FALSE(item.at("description").get<std::string>().empty());
        EXPECT_EQ(item.at("parameters").at("type"), "object");
    }
    EXPECT_THAT(names, ::testing::IsSupersetOf({"grid", "island-chain"}));
    const auto described = api_->get("/api/v1/blueprints/grid");
    ASSERT_EQ(described.status, 200) << described.raw;
    EXPECT_EQ(described.body.at("parameters").at("properties").at("columns").at("type"), "integer");
    const auto chain = api_->get("/api/v1/blueprints/island-chain");
    EXPECT_EQ(chain.body.at("parameters").at("properties").at("direction").at("default"), "east");
    EXPECT_EQ(api_->get("/api/v1/blueprints/nope").status, 404);
    EXPECT_EQ(api_->post("/api/v1/blueprints/nope/plan", grid(1, 1, 0, 0, "X")).status, 404);
}

TEST_F(BlueprintApi, PlanWritesNothingAndApplyCreatesEveryRegionAtItsCell) {
    const auto audit_before = audit_count();
    const auto plan = api_->post("/api/v1/blueprints/grid/plan", grid(2, 3, 1000, 2000, "Main"));
    ASSERT_EQ(plan.status, 200) << plan.raw;
    EXPECT_EQ(plan.body.at("applied"), false);
    EXPECT_EQ(plan.body.at("refused"), 0);
    ASSERT_EQ(plan.body.at("regions").size(), 6U);
    EXPECT_EQ(plan.body.at("regions").at(5).at("region").at("loc_y"), 2002);
    EXPECT_EQ(count("/api/v1/regions"), 0U);
    EXPECT_EQ(audit_count(), audit_before);

    const auto applied =
        api_->post("/api/v1/blueprints/grid/apply", grid(2, 3, 1000, 2000, "Main"));
    ASSERT_EQ(applied.status, 201) << applied.raw;
    EXPECT_EQ(applied.body.at("applied"), true);
    const auto regions = vergegrid::test::all_items(*api_, "/api/v1/regions", "after");
    ASSERT_EQ(regions.size(), 6U);
    std::set<std::tuple<std::string, int, int>> cells;
    for (const auto& region : regions) {
        cells.emplace(region.at("name"), region.at("loc_x"), region.at("loc_y"));
        EXPECT_EQ(region.at("template_id"), template_id_);
    }
    const std::set<std::tuple<std::string, int, int>> expected{
        {"Main-1", 1000, 2000}, {"Main-2", 1001, 2000}, {"Main-3", 1000, 2001},
        {"Main-4", 1001, 2001}, {"Main-5", 1000, 2002}, {"Main-6", 1001, 2002}};
    EXPECT_EQ(cells, expected);

    // One blueprint.apply event besides the six region.create ones, naming the regions.
    const auto events = api_->get("/api/v1/audit?action=blueprint.apply").body.at("items");
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events.at(0).at("entity_id"), "grid");
    EXPECT_EQ(events.at(0).at("after").at("region_ids").size(), 6U);
    EXPECT_EQ(events.at(0).at("after").at("parameters").at("prefix"), "Main");
    EXPECT_EQ(api_->get("/api/v1/audit?action=region.create").body.at("items").size(), 6U);
}

TEST_F(BlueprintApi, AnApplyThatWouldOverlapARegionCreatesNothingAndNamesIt) {
    const auto estate = api_->get("/api/v1/estates").body.at("items").at(0).at("id");
    const auto existing =
        api_->post("/api/v1/regions",
                   {{"name", "Lighthouse"}, {"estate_id", estate}, {"loc_x", 502}, {"loc_y", 500}});
    ASSERT_EQ(existing.status, 201) << existing.raw;
    const auto regions_before = count("/api/v1/regions");
    const auto audit_before = audit_count();

    // An island chain running east from 500,500 puts its second island on the lighthouse.
    const json chain{
        {"parameters",
         {{"template", template_id_}, {"count", 4}, {"x", 500}, {"y", 500}, {"prefix", "Isle"}}}};
    const auto plan = api_->post("/api/v1/blueprints/island-chain/plan", chain);
    ASSERT_EQ(plan.status, 200) << plan.raw;
    EXPECT_EQ(plan.body.at("refused"), 1);
    const auto& refused = plan.body.at("regions").at(1);
    EXPECT_EQ(refused.at("name"), "Isle-2");
    EXPECT_EQ(refused.at("region"), nullptr);
    EXPECT_EQ(refused.at("refusal").at("code"), "overlap");
    EXPECT_THAT(refused.at("refusal").at("message").get<std::string>(), HasSubstr("Lighthouse"));

    const auto applied = api_->post("/api/v1/blueprints/island-chain/apply", chain);
    EXPECT_EQ(applied.status, 409) << applied.raw;
    EXPECT_EQ(applied.body.at("error").at("code"), "overlap");
    EXPECT_EQ(applied.body.at("error").at("field"), "regions[1].loc_x");
    const std::string message = applied.body.at("error").at("message");
    EXPECT_THAT(message, HasSubstr("Isle-2"));
    EXPECT_THAT(message, HasSubstr("Lighthouse"));
    EXPECT_EQ(count("/api/v1/regions"), regions_before);
    EXPECT_EQ(audit_count(), audit_before);
    EXPECT_EQ(api_->get("/api/v1/regions?name_prefix=Isle").body.at("items").size(), 0U);
}

TEST_F(BlueprintApi, BadParametersAreRefusedByName) {
    auto bad = grid(0, 2, 0, 0, "P");
    const auto zero = api_->post("/api/v1/blueprints/grid/plan", bad);
    EXPECT_EQ(zero.status, 400) << zero.raw;
    EXPECT_EQ(zero.body.at("error").at("field"), "parameters.columns");
    bad["parameters"]["columns"] = 1;
    bad["parameters"]["template"] = "Missing";
    const auto missing = api_->post("/api/v1/blueprints/grid/apply", bad);
    EXPECT_EQ(missing.status, 400) << missing.raw;
    EXPECT_EQ(missing.body.at("error").at("field"), "parameters.template");
    const auto not_object =
        api_->post("/api/v1/blueprints/grid/plan", json{{"parameters", json::array()}});
    EXPECT_EQ(not_object.body.at("error").at("field"), "parameters");
    const auto extra = api_->post("/api/v1/blueprints/grid/plan", json{{"params", json::object()}});
    EXPECT_EQ(extra.status, 400) << extra.raw;
    EXPECT_EQ(count("/api/v1/regions"), 0U);
}

}  // namespace
}  // namespace blueprint_api_test
