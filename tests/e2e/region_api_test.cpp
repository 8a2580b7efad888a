// The data model through the real HTTP API of a real vergegrid-control (SQLite).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <set>
#include <sstream>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace region_api_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

class RegionApi : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        api_ = std::make_unique<ApiClient>(control_->port());
        auto estate =
            api_->post("/api/v1/estates", {{"name", "Mainland"}, {"owner", "Grid Owner"}});
        ASSERT_EQ(estate.status, 201) << estate.raw;
        estate_id_ = estate.body.at("id");
    }

    json region(const std::string& name, int x, int y, int port,
                json extra = json::object()) const {
        json body = {{"name", name}, {"estate_id", estate_id_},   {"loc_x", x}, {"loc_y", y},
                     {"port", port}, {"host", "sim1.example.org"}};
        body.update(extra);
        return body;
    }

    json create_region(const std::string& name, int x, int y, int port,
                       json extra = json::object()) const {
        auto result = api_->post("/api/v1/regions", region(name, x, y, port, std::move(extra)));
        EXPECT_EQ(result.status, 201) << result.raw;
        return result.body;
    }

    std::size_t count(const std::string& path) const {
        return api_->get(path).body.at("items").size();
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> api_;
    std::string estate_id_;
};

TEST_F(RegionApi, EstateTemplateRegionVersionsHistoryRollbackAuditAndStub) {
    auto tmpl = api_->post("/api/v1/templates", {{"name", "island"},
                                                 {"size_x", 512},
                                                 {"size_y", 512},
                                                 {"terrain_preset", "island"},
                                                 {"flags", {{"max_prims", 30000}}}});
    ASSERT_EQ(tmpl.status, 201) << tmpl.raw;
    EXPECT_EQ(tmpl.body.at("version"), "1.0.0");

    auto alpha = create_region("Alpha", 1000, 1000, 9000, {{"template_id", tmpl.body.at("id")}});
    const std::string id = alpha.at("id");
    EXPECT_EQ(alpha.at("version"), "1.0.0");
    EXPECT_EQ(alpha.at("size_x"), 512);
    EXPECT_EQ(alpha.at("terrain_preset"), "island");
    EXPECT_EQ(alpha.at("flags").at("max_prims"), 30000);
    EXPECT_EQ(alpha.at("template_version"), "1.0.0");

    // A 256 m region one cell inside Alpha's 512 m footprint overlaps it.
    auto overlap = api_->post("/api/v1/regions", region("Beta", 1001, 1001, 9001));
    EXPECT_EQ(overlap.status, 409);
    EXPECT_EQ(overlap.body.at("error").at("code"), "overlap");
    EXPECT_EQ(overlap.body.at("error").at("field"), "loc_x");
    // ... while the cell right next to it is free.
    create_region("Beta", 1002, 1000, 9001);

    auto patch = api_->patch("/api/v1/regions/" + id, {{"environment", {{"water_height", 25.0}}}});
    EXPECT_EQ(patch.body.at("version"), "1.0.1");
    EXPECT_EQ(patch.body.at("change"), "patch");
    auto minor = api_->patch("/api/v1/regions/" + id, {{"loc_x", 2000}});
    EXPECT_EQ(minor.body.at("version"), "1.1.0");
    EXPECT_EQ(minor.body.at("change"), "minor");
    auto major = api_->patch("/api/v1/regions/" + id, {{"size_x", 256}, {"size_y", 256}});
    EXPECT_EQ(major.body.at("version"), "2.0.0");
    EXPECT_EQ(major.body.at("change"), "major");
    auto same = api_->patch("/api/v1/regions/" + id, {{"loc_x", 2000}});
    EXPECT_EQ(same.body.at("version"), "2.0.0");
    EXPECT_EQ(same.body.at("change"), "none");

    auto history = api_->get("/api/v1/regions/" + id + "/history").body.at("items");
    std::vector<std::string> versions;
    for (const auto& item : history) {
        versions.push_back(item.at("version"));
    }
    EXPECT_THAT(versions, ::testing::ElementsAre("1.0.0", "1.0.1", "1.1.0", "2.0.0"));

    auto rollback = api_->post("/api/v1/regions/" + id + "/rollback", {{"version", "1.0.0"}});
    ASSERT_EQ(rollback.status, 200) << rollback.raw;
    EXPECT_EQ(rollback.body.at("version"), "3.0.0");
    auto restored = rollback.body;
    auto original = history.at(0).at("spec");
    EXPECT_EQ(restored.at("pending_restart"), json::array());  // derived, not in history
    EXPECT_EQ(restored.at("placement_state"), "placed");       // derived too
    for (const auto* key : {"version", "change", "changes", "pending_restart", "placement_state",
                            "placement_reasons"}) {
        restored.erase(key);
        original.erase(key);
    }
    EXPECT_EQ(restored, original) << "the rolled-back spec equals version 1.0.0's";
    EXPECT_EQ(api_->get("/api/v1/regions/" + id + "/history").body.at("items").size(), 5u)
        << "history is only appended";

    auto audit = api_->get("/api/v1/audit?entity_id=" + id).body.at("items");
    std::vector<std::string> actions;
    for (const auto& item : audit) {
        actions.push_back(item.at("action"));
        EXPECT_EQ(item.at("actor"), "admin") << "the authenticated caller";
        EXPECT_FALSE(item.at("request_id").get<std::string>().empty());
    }
    EXPECT_THAT(actions, ::testing::ElementsAre("region.rollback", "region.update", "region.update",
                                                "region.update", "region.create"));
    EXPECT_EQ(audit.at(4).at("before"), nullptr);
    EXPECT_EQ(audit.at(3).at("before").at("environment").at("water_height"), 20.0);
    EXPECT_EQ(audit.at(3).at("after").at("environment").at("water_height"), 25.0);

    auto stub = api_->call("GET", "/api/v1/regions/" + id + "/stub");
    ASSERT_EQ(stub.status, 200);
    EXPECT_THAT(stub.headers.at("content-type"), HasSubstr("text/plain"));
    boost::property_tree::ptree ini;
    std::istringstream text(stub.raw);
    boost::property_tree::ini_parser::read_ini(text, ini);
    const auto& section = ini.get_child(boost::property_tree::ptree::path_type("Alpha", '\0'));
    EXPECT_EQ(section.get<std::string>("RegionUUID"), id);
    EXPECT_EQ(section.get<std::string>("Location"), "1000,1000");
    EXPECT_EQ(section.get<int>("InternalPort"), 9000);
    EXPECT_EQ(section.get<std::string>("ExternalHostName"), "sim1.example.org");
    EXPECT_EQ(section.get<std::string>("InternalAddress"), "0.0.0.0");
    EXPECT_EQ(section.get<int>("SizeX"), 512);
    EXPECT_EQ(section.get<std::string>("TargetEstate"), "Mainland");
}

TEST_F(RegionApi, IfMatchRefusesAStaleVersionWith412) {
    auto alpha = create_region("Alpha", 10, 10, 9000);
    const std::string path = "/api/v1/regions/" + alpha.at("id").get<std::string>();
    EXPECT_EQ(api_->get(path).headers.at("etag"), "\"1.0.0\"");
    EXPECT_EQ(api_->patch(path, {{"loc_x", 11}}, {{"If-Match", "\"1.0.0\""}}).status, 200);
    auto stale = api_->patch(path, {{"loc_x", 12}}, {{"If-Match", "\"1.0.0\""}});
    EXPECT_EQ(stale.status, 412);
    EXPECT_EQ(stale.body.at("error").at("code"), "version_mismatch");
    EXPECT_EQ(api_->get(path).body.at("loc_x"), 11);
}

TEST_F(RegionApi, BadInputIsA4xxNamingTheFieldAndWritesNothing) {
    create_region("Alpha", 10, 10, 9000);
    const auto regions_before = count("/api/v1/regions");
    const auto audit_before = count("/api/v1/audit");

    struct Case {
        std::string body;
        int status;
        std::string field;
    };
    const std::string big(10000, 'x');
    const auto valid = region("Gamma", 50, 50, 9100);
    auto with = [&](const std::string& key, json value) {
        json body = valid;
        body[key] = std::move(value);
        return body.dump();
    };
    auto without = [&](const std::string& key) {
        json body = valid;
        body.erase(key);
        return body.dump();
    };
    json overlap_body = valid;
    overlap_body["loc_x"] = 10;
    overlap_body["loc_y"] = 10;
    const std::string overlapping_alpha = overlap_body.dump();
    const std::vector<Case> cases = {
        {with("loc_x", "ten"), 400, "loc_x"},
        {with("port", 70000), 400, "port"},
        {with("port", 0), 400, "port"},
        {with("size_x", 300), 400, "size_x"},
        {with("name", big), 400, "name"},
        {with("name", ""), 400, "name"},
        {with("name", "bad\nname"), 400, "name"},
        {with("physics_type", "Havok"), 400, "physics_type"},
        {with("region_state_mode", "all"), 400, "region_state_mode"},
        {with("flags", {{"max_prims", -1}}), 400, "flags.max_prims"},
        {with("flags", {{"colour", "red"}}), 400, "flags.colour"},
        {with("flags", "on"), 400, "flags"},
        {with("surprise", 1), 400, "surprise"},
        {with("id", "00000000-0000-0000-0000-000000000000"), 400, "id"},
        {with("estate_id", "not-a-uuid"), 400, "estate_id"},
        {with("estate_id", "00000000-0000-4000-8000-000000000000"), 422, "estate_id"},
        {with("template_id", "00000000-0000-4000-8000-000000000000"), 422, "template_id"},
        {with("parcel_layout",
              json::array({{{"name", "p"}, {"x", 200}, {"y", 0}, {"width", 100}, {"height", 10}}})),
         400, "parcel_layout"},
        {without("name"), 400, "name"},
        {without("port"), 400, "port"},       // a host given by hand needs its port
        {without("loc_y"), 400, "loc_y"},     // coordinates come together or not at all
        {without("host"), 409, "placement"},  // placement decides, and no simulator exists
        {with("name", "Alpha"), 409, "name"},
        {with("port", 9000), 409, "port"},
        {overlapping_alpha, 409, "loc_x"},
        {"[1,2]", 400, "body"},
        {"{\"name\": \"\xff\xfe\"}", 400, ""},
        {"{not json", 400, ""},
    };
    for (const auto& c : cases) {
        auto result = api_->call("POST", "/api/v1/regions", c.body);
        EXPECT_EQ(result.status, c.status) << c.body.substr(0, 200) << " -> " << result.raw;
        ASSERT_TRUE(result.body.is_object()) << result.raw;
        if (!c.field.empty()) {
            EXPECT_EQ(result.body.at("error").value("field", ""), c.field) << c.body.substr(0, 200);
        }
    }
    EXPECT_EQ(count("/api/v1/regions"), regions_before);
    EXPECT_EQ(count("/api/v1/audit"), audit_before);
}

// OpenSim looks regions and estates up by name ignoring case: "sandbox" beside "Sandbox" would be
// one region to it, so the API refuses the second like an exact duplicate.
TEST_F(RegionApi, RegionAndEstateNamesAreUniqueIgnoringLetterCase) {
    auto expect_name_taken = [](const vergegrid::test::JsonResult& result,
                                const std::string& existing) {
        EXPECT_EQ(result.status, 409) << result.raw;
        ASSERT_TRUE(result.body.is_object()) << result.raw;
        EXPECT_EQ(result.body.at("error").value("code", ""), "name_taken") << result.raw;
        EXPECT_EQ(result.body.at("error").value("field", ""), "name") << result.raw;
        EXPECT_THAT(result.body.at("error").value("message", ""), HasSubstr("'" + existing + "'"));
    };
    create_region("Sandbox", 10, 10, 9000);
    const std::string other = create_region("Welcome", 20, 20, 9001).at("id");
    const auto audit_before = count("/api/v1/audit");

    expect_name_taken(api_->post("/api/v1/regions", region("sandbox", 30, 30, 9002)), "Sandbox");
    expect_name_taken(api_->patch("/api/v1/regions/" + other, {{"name", "SANDBOX"}}), "Sandbox");
    expect_name_taken(api_->post("/api/v1/estates", {{"name", "MAINLAND"}, {"owner", "Some One"}}),
                      "Mainland");
    auto second = api_->post("/api/v1/estates", {{"name", "Outlands"}, {"owner", "Some One"}});
    ASSERT_EQ(second.status, 201) << second.raw;
    const std::string second_id = second.body.at("id");
    expect_name_taken(api_->patch("/api/v1/estates/" + second_id, {{"name", "mainland"}}),
                      "Mainland");
    EXPECT_EQ(count("/api/v1/regions"), 2U);
    EXPECT_EQ(count("/api/v1/estates"), 2U);
    EXPECT_EQ(count("/api/v1/audit"), audit_before + 1) << "only the estate Outlands was written";

    // A new spelling of its own name is no clash.
    auto renamed = api_->patch("/api/v1/regions/" + other, {{"name", "WELCOME"}});
    EXPECT_EQ(renamed.status, 200) << renamed.raw;
    auto estate_renamed = api_->patch("/api/v1/estates/" + estate_id_, {{"name", "MainLand"}});
    EXPECT_EQ(estate_renamed.status, 200) << estate_renamed.raw;
}

TEST_F(RegionApi, ListsPageStablyByNameWithFilters) {
    std::set<std::string> names;
    for (int i = 0; i < 7; ++i) {
        const std::string name = "Region " + std::to_string(7 - i);
        create_region(name, 100 + 2 * i, 100, 9000 + i);
        names.insert(name);
    }
    std::vector<std::string> seen;
    std::string next;
    int pages = 0;
    do {
        auto page = api_->get("/api/v1/regions?limit=3" + (next.empty() ? "" : "&after=" + next));
        ASSERT_EQ(page.status, 200) << page.raw;
        for (const auto& item : page.body.at("items")) {
            seen.push_back(item.at("name"));
        }
        next = page.body.at("next").is_null() ? "" : page.body.at("next").get<std::string>();
        ++pages;
    } while (!next.empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, std::vector<std::string>(names.begin(), names.end()));
    EXPECT_EQ(count("/api/v1/regions?name_prefix=Region%203"), 1u);
    EXPECT_EQ(api_->get("/api/v1/regions?limit=0").status, 400);
    EXPECT_EQ(api_->get("/api/v1/regions?after=%%%").status, 400);
}

TEST_F(RegionApi, TemplateVersionsAndUpgradeTemplateSayWhatChanged) {
    auto tmpl =
        api_->post("/api/v1/templates", {{"name", "sandbox"}, {"terrain_preset", "flat"}}).body;
    const std::string tid = tmpl.at("id");
    auto alpha = create_region("Alpha", 10, 10, 9000, {{"template_id", tid}});

    auto v2 =
        api_->patch("/api/v1/templates/" + tid, {{"environment", {{"sun_fixed", true}}}}).body;
    EXPECT_EQ(v2.at("version"), "1.0.1");
    auto v3 = api_->patch("/api/v1/templates/" + tid, {{"size_x", 512}, {"size_y", 512}}).body;
    EXPECT_EQ(v3.at("version"), "2.0.0");
    EXPECT_EQ(api_->get("/api/v1/templates/" + tid + "/versions").body.at("items").size(), 3u);
    EXPECT_EQ(api_->get("/api/v1/templates/" + tid + "/versions/1.0.1")
                  .body.at("spec")
                  .at("environment")
                  .at("sun_fixed"),
              true);

    auto upgrade =
        api_->post("/api/v1/regions/" + alpha.at("id").get<std::string>() + "/upgrade-template",
                   json::object());
    ASSERT_EQ(upgrade.status, 200) << upgrade.raw;
    EXPECT_EQ(upgrade.body.at("template_version"), "2.0.0");
    EXPECT_EQ(upgrade.body.at("version"), "2.0.0") << "a template major moves the region's major";
    std::set<std::string> fields;
    for (const auto& change : upgrade.body.at("changes")) {
        fields.insert(change.at("field"));
    }
    EXPECT_THAT(fields, ::testing::IsSupersetOf(
                            {"size_x", "size_y", "environment.sun_fixed", "template_version"}));

    EXPECT_EQ(api_->del("/api/v1/templates/" + tid).status, 409)
        << "a template in use cannot be deleted";
    EXPECT_EQ(api_->del("/api/v1/estates/" + estate_id_).status, 409)
        << "an estate in use cannot be deleted";
    EXPECT_EQ(api_->del("/api/v1/regions/" + alpha.at("id").get<std::string>()).status, 204);
    EXPECT_EQ(api_->get("/api/v1/regions/" + alpha.at("id").get<std::string>()).status, 404);
    EXPECT_EQ(api_->get("/api/v1/regions/" + alpha.at("id").get<std::string>() + "/history").status,
              200)
        << "history outlives the region";
    EXPECT_EQ(api_->del("/api/v1/templates/" + tid).status, 204);
}

}  // namespace

namespace {

// Security review: OpenSim's INI reader ends an unquoted value at ';' or '#', so an estate named
// "North; West" reached OpenSim as "North". Such names are now written quoted; a '"', which no
// INI value can hold, is refused at the API.
TEST_F(RegionApi, AnEstateNameWithCommentCharactersReachesTheStubQuoted) {
    const auto estate =
        api_->post("/api/v1/estates", {{"name", "North; West #2"}, {"owner", "Estate Owner"}});
    ASSERT_EQ(estate.status, 201) << estate.raw;
    auto body = region("Alpha", 10, 10, 9000);
    body["estate_id"] = estate.body.at("id");
    const auto created = api_->post("/api/v1/regions", body);
    ASSERT_EQ(created.status, 201) << created.raw;
    const auto stub =
        api_->call("GET", "/api/v1/regions/" + created.body.at("id").get<std::string>() + "/stub");
    ASSERT_EQ(stub.status, 200) << stub.raw;
    EXPECT_THAT(stub.raw, HasSubstr("\nTargetEstate = \"North; West #2\"\n"));
}

TEST_F(RegionApi, AnEstateNameWithADoubleQuoteIsRefusedNamingTheField) {
    const auto created =
        api_->post("/api/v1/estates", {{"name", "The \"Best\""}, {"owner", "Estate Owner"}});
    EXPECT_EQ(created.status, 400) << created.raw;
    EXPECT_EQ(created.body.at("error").at("field"), "name");
    const auto renamed = api_->patch("/api/v1/estates/" + estate_id_, {{"name", "Main\"land"}});
    EXPECT_EQ(renamed.status, 400) << renamed.raw;
    EXPECT_EQ(renamed.body.at("error").at("field"), "name");
    EXPECT_EQ(api_->get("/api/v1/estates/" + estate_id_).body.at("name"), "Mainland");
}

// The simulator's side of an operation, as a bridge does it: pull it, report its outcome.
json pull_one(const ApiClient& simulator) {
    const auto pulled = simulator.get("/api/v1/sim/operations?wait=0");
    EXPECT_EQ(pulled.status, 200) << pulled.raw;
    EXPECT_EQ(pulled.body.at("items").size(), 1U) << pulled.raw;
    return pulled.body.at("items").at(0);
}

void report(const ApiClient& simulator, const json& operation, const json& fields) {
    const auto done = simulator.post(
        "/api/v1/sim/operations/" + std::to_string(operation.at("id").get<long>()) + "/result",
        {{"state", "succeeded"},
         {"result", {{"path", "test"}, {"detail", ""}, {"fields", fields}}}});
    EXPECT_EQ(done.status, 200) << done.raw;
}

json field_outcome(const std::string& status) {
    return {{"status", status}, {"mechanism", "stub key MaxPrims"}, {"value", nullptr}};
}

TEST_F(RegionApi, ARestartRequestReachesTheSimulatorAndPendingFieldsShowUntilApplied) {
    const auto [simulator_id, key] =
        vergegrid::test::register_simulator(*api_, control_->port(), "sim1.example.org");
    const ApiClient simulator(control_->port(), key);
    const auto alpha =
        create_region("Alpha", 1000, 1000, 9000, {{"placement", {{"simulator_id", simulator_id}}}});
    const std::string id = alpha.at("id");
    EXPECT_EQ(alpha.at("pending_restart"), json::array());

    // The create carries the estate by value; the bridge could not apply one field live.
    const auto created = pull_one(simulator);
    EXPECT_EQ(created.at("kind"), "create");
    EXPECT_EQ(created.at("spec").at("estate"),
              (json{{"id", estate_id_}, {"name", "Mainland"}, {"owner", "Grid Owner"}}));
    EXPECT_FALSE(created.at("spec").contains("apply_restart"));
    report(simulator, created, {{"flags.max_prims", field_outcome("pending-restart")}});
    EXPECT_EQ(api_->get("/api/v1/regions/" + id).body.at("pending_restart"),
              json::array({"flags.max_prims"}));
    EXPECT_EQ(api_->get("/api/v1/regions").body.at("items").at(0).at("pending_restart"),
              json::array({"flags.max_prims"}));

    // "restart": true is a request, not a field: it is neither stored nor versioned.
    const auto patched =
        api_->patch("/api/v1/regions/" + id, {{"flags", {{"max_prims", 5000}}}, {"restart", true}});
    ASSERT_EQ(patched.status, 200) << patched.raw;
    EXPECT_FALSE(patched.body.contains("restart"));
    EXPECT_EQ(patched.body.at("pending_restart"), json::array({"flags.max_prims"}));
    const auto history = api_->get("/api/v1/regions/" + id + "/history").body.at("items");
    EXPECT_FALSE(history.back().at("spec").contains("restart"));
    EXPECT_FALSE(history.back().at("spec").contains("pending_restart"));

    const auto update = pull_one(simulator);  // eager: a restart is wanted now
    EXPECT_EQ(update.at("kind"), "update");
    EXPECT_EQ(update.at("spec").at("apply_restart"), true);
    report(simulator, update, {{"flags.max_prims", field_outcome("applied-on-restart")}});
    EXPECT_EQ(api_->get("/api/v1/regions/" + id).body.at("pending_restart"), json::array());

    const auto bad = api_->patch("/api/v1/regions/" + id, {{"restart", "yes"}});
    EXPECT_EQ(bad.status, 400) << bad.raw;
    EXPECT_EQ(bad.body.at("error").at("field"), "restart");
}

TEST_F(RegionApi, TheRegionSettingsTableSaysHowEachFieldIsApplied) {
    const auto table = api_->get("/api/v1/region-settings");
    ASSERT_EQ(table.status, 200) << table.raw;
    const auto& fields = table.body.at("fields");
    ASSERT_GT(fields.size(), 20U);
    std::set<std::string> applications;
    bool max_prims = false;
    for (const auto& field : fields) {
        applications.insert(field.at("application").get<std::string>());
        EXPECT_FALSE(field.at("mechanism").get<std::string>().empty()) << field;
        max_prims = max_prims || field.at("path") == "flags.max_prims";
    }
    EXPECT_TRUE(max_prims);
    EXPECT_EQ(applications, (std::set<std::string>{"live", "on-restart", "unsupported"}));
}

TEST_F(RegionApi, AnEstateOwnerOpenSimCannotNameIsRefusedNamingTheField) {
    for (const std::string owner :
         {"Governor", "Grid  Owner", "00000000-0000-0000-0000-000000000000"}) {
        const auto created =
            api_->post("/api/v1/estates", {{"name", "Outlands"}, {"owner", owner}});
        EXPECT_EQ(created.status, 400) << created.raw;
        EXPECT_EQ(created.body.at("error").at("field"), "owner");
        const auto changed = api_->patch("/api/v1/estates/" + estate_id_, {{"owner", owner}});
        EXPECT_EQ(changed.status, 400) << changed.raw;
        EXPECT_EQ(changed.body.at("error").at("field"), "owner");
    }
    const std::string uuid = "7b9a3c1e-0f52-4d7e-9a61-2c4f8e0b5d13";
    EXPECT_EQ(api_->patch("/api/v1/estates/" + estate_id_, {{"owner", uuid}}).body.at("owner"),
              uuid);
    EXPECT_EQ(count("/api/v1/estates"), 1U);
}

}  // namespace
}  // namespace region_api_test
