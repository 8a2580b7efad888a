// The migration routes over the real HTTP API (docs/api.md "Migrations") with the SQLite default
// and no bridge: a move answers 202 with its migration (listed, filtered, shown, cancelled), a
// moving region refuses other changes with 409 region_moving, an executed drain and an
// evacuation start batches whose progress counts their moves, a rebalance is a dry run unless
// asked, and every bad request is a 4xx naming its field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace migration_api_test {
namespace {

using nlohmann::json;
using ::testing::AnyOf;
using ::testing::Eq;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::JsonResult;
using vergegrid::test::TempDir;

constexpr const char* kNoSuchId = "00000000-0000-4000-8000-000000000000";

class MigrationApi : public ::testing::Test {
  protected:
    void SetUp() override { start({}); }

    void start(const std::map<std::string, std::string>& environment) {
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            environment);
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
        estate_ = admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
    }

    std::string simulator(const std::string& hostname, int capacity = 8) {
        const std::string token =
            admin_->post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
        auto registered =
            ApiClient(control_->port(), "")
                .post("/api/v1/sim/register",
                      {{"token", token}, {"hostname", hostname}, {"capacity", capacity}});
        EXPECT_EQ(registered.status, 201) << registered.raw;
        return registered.body.at("simulator_id");
    }

    std::string region(const std::string& name, const std::string& simulator_id) {
        auto created =
            admin_->post("/api/v1/regions", {{"name", name},
                                             {"estate_id", estate_},
                                             {"placement", {{"simulator_id", simulator_id}}}});
        EXPECT_EQ(created.status, 201) << created.raw;
        return created.body.at("id");
    }

    static void expect_field_error(const JsonResult& result, int status, const std::string& field) {
        EXPECT_EQ(result.status, status) << result.raw;
        ASSERT_TRUE(result.body.is_object()) << result.raw;
        EXPECT_EQ(result.body.at("error").value("field", ""), field) << result.raw;
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string estate_;
};

TEST_F(MigrationApi, AMoveAnswers202WithItsMigrationListedShownAndCancelled) {
    const auto a = simulator("sim-a.example.org");
    const auto id = region("Alpha", a);
    const auto b = simulator("sim-b.example.org");

    auto moved = admin_->post("/api/v1/regions/" + id + "/move", {{"warm", true}});
    ASSERT_EQ(moved.status, 202) << moved.raw;
    const json migration = moved.body.at("migration");
    const std::string migration_id = migration.at("id");
    EXPECT_EQ(migration.at("region_id"), id);
    EXPECT_EQ(migration.at("region_name"), "Alpha");
    EXPECT_EQ(migration.at("source_simulator_id"), a);
    EXPECT_EQ(migration.at("target_simulator_id"), b);
    EXPECT_EQ(migration.at("state"), "running");
    EXPECT_EQ(migration.at("options").at("warm"), true);
    EXPECT_TRUE(moved.body.at("placement_decision").at("reasons").is_array()) << moved.raw;
    // The region stays on its source until the switch.
    EXPECT_EQ(admin_->get("/api/v1/regions/" + id).body.at("placement").at("simulator_id"), a);

    auto shown = admin_->get("/api/v1/migrations/" + migration_id);
    ASSERT_EQ(shown.status, 200) << shown.raw;
    EXPECT_EQ(shown.body.at("id"), migration_id);
    EXPECT_TRUE(shown.body.at("steps").is_array());
    for (const std::string& query : {"region_id=" + id, std::string("state=running"),
                                     "simulator_id=" + b, "simulator_id=" + a}) {
        auto listed = admin_->get("/api/v1/migrations?" + query);
        ASSERT_EQ(listed.status, 200) << query << ": " << listed.raw;
        ASSERT_EQ(listed.body.at("items").size(), 1U) << query << ": " << listed.raw;
        EXPECT_EQ(listed.body.at("items").at(0).at("id"), migration_id);
    }
    EXPECT_EQ(admin_->get("/api/v1/migrations?state=succeeded").body.at("items").size(), 0U);

    // While it moves, the region's other changes and a second move are refused.
    auto again = admin_->post("/api/v1/regions/" + id + "/move", json::object());
    expect_field_error(again, 409, "id");
    EXPECT_EQ(again.body.at("error").at("code"), "region_moving");
    auto patched = admin_->patch("/api/v1/regions/" + id, {{"loc_x", 1200}});
    EXPECT_EQ(patched.status, 409) << patched.raw;
    EXPECT_EQ(patched.body.at("error").at("code"), "region_moving");

    auto cancelled = admin_->post("/api/v1/migrations/" + migration_id + "/cancel", json::object());
    ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
    EXPECT_THAT(cancelled.body.at("state").get<std::string>(),
                AnyOf(Eq("cancelled"), Eq("rolling_back")));
    EXPECT_EQ(admin_->get("/api/v1/regions/" + id).body.at("placement").at("simulator_id"), a);
}

TEST_F(MigrationApi, ListsArePagedNewestFirst) {
    const auto a = simulator("sim-a.example.org");
    const auto first = region("Alpha", a);
    const auto second = region("Beta", a);
    simulator("sim-b.example.org");
    ASSERT_EQ(admin_->post("/api/v1/regions/" + first + "/move", json::object()).status, 202);
    ASSERT_EQ(admin_->post("/api/v1/regions/" + second + "/move", json::object()).status, 202);
    auto page = admin_->get("/api/v1/migrations?limit=1");
    ASSERT_EQ(page.status, 200) << page.raw;
    ASSERT_EQ(page.body.at("items").size(), 1U);
    EXPECT_EQ(page.body.at("items").at(0).at("region_id"), second);
    ASSERT_TRUE(page.body.at("next").is_string()) << page.raw;
    auto next =
        admin_->get("/api/v1/migrations?limit=1&before=" + page.body.at("next").get<std::string>());
    ASSERT_EQ(next.status, 200) << next.raw;
    ASSERT_EQ(next.body.at("items").size(), 1U);
    EXPECT_EQ(next.body.at("items").at(0).at("region_id"), first);
    EXPECT_TRUE(next.body.at("next").is_null());
}

TEST_F(MigrationApi, BatchListsArePagedNewestFirst) {
    const auto a = simulator("sim-a.example.org");
    const auto b = simulator("sim-b.example.org");
    region("Alpha", a);
    region("Beta", b);
    simulator("sim-c.example.org");
    std::vector<std::string> batches;
    for (const auto& drained : {a, b}) {
        auto answer = admin_->post("/api/v1/simulators/" + drained + "/drain", {{"execute", true}});
        ASSERT_EQ(answer.status, 202) << answer.raw;
        batches.push_back(answer.body.at("batch").at("id"));
    }
    auto page = admin_->get("/api/v1/migration-batches?limit=1");
    ASSERT_EQ(page.status, 200) << page.raw;
    ASSERT_EQ(page.body.at("items").size(), 1U);
    EXPECT_EQ(page.body.at("items").at(0).at("id"), batches[1]);
    ASSERT_TRUE(page.body.at("next").is_string()) << page.raw;
    auto next = admin_->get("/api/v1/migration-batches?limit=1&before=" +
                            page.body.at("next").get<std::string>());
    ASSERT_EQ(next.status, 200) << next.raw;
    ASSERT_EQ(next.body.at("items").size(), 1U);
    EXPECT_EQ(next.body.at("items").at(0).at("id"), batches[0]);
    EXPECT_TRUE(next.body.at("next").is_null()) << next.raw;
    // The simulator filter holds across pages, and a cursor this server did not issue is a 400.
    auto only_b = admin_->get("/api/v1/migration-batches?limit=1&simulator_id=" + b);
    ASSERT_EQ(only_b.body.at("items").size(), 1U) << only_b.raw;
    EXPECT_TRUE(only_b.body.at("next").is_null()) << only_b.raw;
    auto bad = admin_->get("/api/v1/migration-batches?before=not-a-cursor");
    EXPECT_EQ(bad.status, 400) << bad.raw;
    EXPECT_EQ(bad.body.at("error").value("field", ""), "before") << bad.raw;
}

TEST_F(MigrationApi, AnExecutedDrainIsABatchWithProgressThatCanBeCancelled) {
    const auto a = simulator("sim-a.example.org");
    for (const char* name : {"Alpha", "Beta", "Gamma"}) {
        region(name, a);
    }
    simulator("sim-b.example.org");
    auto drained = admin_->post("/api/v1/simulators/" + a + "/drain",
                                {{"execute", true}, {"max_parallel", 1}});
    ASSERT_EQ(drained.status, 202) << drained.raw;
    EXPECT_EQ(drained.body.at("simulator").at("state"), "cordoned");
    const json batch = drained.body.at("batch");
    const std::string batch_id = batch.at("id");
    EXPECT_EQ(batch.at("kind"), "drain");
    EXPECT_EQ(batch.at("simulator_id"), a);
    EXPECT_EQ(batch.at("max_parallel"), 1);
    EXPECT_EQ(batch.at("progress").at("total"), 3);
    EXPECT_EQ(batch.at("progress").at("running"), 1);  // at most max_parallel at once
    EXPECT_EQ(batch.at("progress").at("left"), 3);
    EXPECT_EQ(batch.at("migrations").size(), 3U);

    auto shown = admin_->get("/api/v1/migration-batches/" + batch_id);
    ASSERT_EQ(shown.status, 200) << shown.raw;
    EXPECT_EQ(shown.body.at("progress"), batch.at("progress"));
    auto listed = admin_->get("/api/v1/migration-batches?simulator_id=" + a);
    ASSERT_EQ(listed.status, 200) << listed.raw;
    ASSERT_EQ(listed.body.at("items").size(), 1U);
    EXPECT_EQ(admin_->get("/api/v1/migrations?batch_id=" + batch_id).body.at("items").size(), 3U);
    EXPECT_EQ(admin_->get("/api/v1/migrations?state=queued").body.at("items").size(), 2U);

    auto cancelled =
        admin_->post("/api/v1/migration-batches/" + batch_id + "/cancel", json::object());
    ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
    EXPECT_EQ(cancelled.body.at("state"), "cancelled");
    EXPECT_EQ(admin_->get("/api/v1/migrations?state=queued").body.at("items").size(), 0U);
    EXPECT_EQ(admin_->get("/api/v1/migrations?state=cancelled&batch_id=" + batch_id)
                  .body.at("items")
                  .size(),
              2U);

    // Without "execute" a drain still only plans, as it always has.
    const auto c = simulator("sim-c.example.org");
    region("Delta", c);
    auto plan = admin_->post("/api/v1/simulators/" + c + "/drain", json::object());
    ASSERT_EQ(plan.status, 200) << plan.raw;
    EXPECT_EQ(plan.body.at("moves").size(), 1U);
    EXPECT_FALSE(plan.body.contains("batch"));
}

TEST_F(MigrationApi, ARebalanceIsADryRunUnlessAskedAndThenABatch) {
    const auto a = simulator("sim-a.example.org", 4);
    for (const char* name : {"Alpha", "Beta", "Gamma", "Delta"}) {
        region(name, a);
    }
    const auto b = simulator("sim-b.example.org", 4);
    auto dry = admin_->post("/api/v1/placement/rebalance", json::object());
    ASSERT_EQ(dry.status, 200) << dry.raw;
    ASSERT_FALSE(dry.body.at("moves").empty()) << dry.raw;
    const json move = dry.body.at("moves").at(0);
    EXPECT_EQ(move.at("from_simulator_id"), a);
    EXPECT_EQ(move.at("to_simulator_id"), b);
    EXPECT_TRUE(move.at("reasons").is_array());
    EXPECT_TRUE(dry.body.at("batch").is_null());
    EXPECT_EQ(admin_->get("/api/v1/migrations").body.at("items").size(), 0U);  // nothing moved

    auto one = admin_->post("/api/v1/placement/rebalance", {{"dry_run", true}, {"max_moves", 1}});
    ASSERT_EQ(one.status, 200) << one.raw;
    EXPECT_EQ(one.body.at("moves").size(), 1U);

    auto executed = admin_->post("/api/v1/placement/rebalance",
                                 {{"dry_run", false}, {"max_moves", 1}, {"max_parallel", 1}});
    ASSERT_EQ(executed.status, 202) << executed.raw;
    EXPECT_EQ(executed.body.at("batch").at("kind"), "rebalance");
    EXPECT_EQ(executed.body.at("batch").at("progress").at("total"), 1);
}

TEST_F(MigrationApi, EvacuationNeedsAnOfflineSimulator) {
    const auto a = simulator("sim-a.example.org");
    region("Alpha", a);
    auto refused = admin_->post("/api/v1/simulators/" + a + "/evacuate", json::object());
    EXPECT_EQ(refused.status, 409) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "simulator_not_offline");
    expect_field_error(admin_->post("/api/v1/simulators/" + a + "/evacuate", {{"max_parallel", 0}}),
                       400, "max_parallel");
    EXPECT_EQ(
        admin_->post("/api/v1/simulators/" + std::string(kNoSuchId) + "/evacuate", json::object())
            .status,
        404);
}

TEST_F(MigrationApi, BadRequestsNameTheirField) {
    const auto a = simulator("sim-a.example.org");
    const auto id = region("Alpha", a);
    simulator("sim-b.example.org");
    const std::string move = "/api/v1/regions/" + id + "/move";
    expect_field_error(admin_->post(move, {{"deadline_s", 0}}), 400, "deadline_s");
    expect_field_error(admin_->post(move, {{"deadline_s", 3601}}), 400, "deadline_s");
    expect_field_error(admin_->post(move, {{"warm", "yes"}}), 400, "warm");
    expect_field_error(admin_->post(move, {{"simulator_id", "sim-b"}}), 400, "simulator_id");
    auto unknown = admin_->post(move, {{"hot", true}});
    expect_field_error(unknown, 400, "hot");
    EXPECT_EQ(unknown.body.at("error").at("code"), "unknown_field");
    EXPECT_EQ(admin_->get("/api/v1/migrations").body.at("items").size(), 0U);  // none started

    const std::string drain = "/api/v1/simulators/" + a + "/drain";
    expect_field_error(admin_->post(drain, {{"execute", true}, {"max_parallel", 0}}), 400,
                       "max_parallel");
    expect_field_error(admin_->post(drain, {{"execute", true}, {"max_parallel", 17}}), 400,
                       "max_parallel");
    expect_field_error(admin_->post(drain, {{"execute", true}, {"deadline_s", 0}}), 400,
                       "deadline_s");
    expect_field_error(admin_->post(drain, {{"execute", true}, {"parallel", 2}}), 400, "parallel");

    const std::string rebalance = "/api/v1/placement/rebalance";
    expect_field_error(admin_->post(rebalance, {{"max_moves", 0}}), 400, "max_moves");
    expect_field_error(admin_->post(rebalance, {{"max_moves", 1001}}), 400, "max_moves");
    expect_field_error(admin_->post(rebalance, {{"max_parallel", 17}}), 400, "max_parallel");
    expect_field_error(admin_->post(rebalance, {{"dry_run", "no"}}), 400, "dry_run");
    expect_field_error(admin_->post(rebalance, {{"simulator_id", a}}), 400, "simulator_id");

    expect_field_error(admin_->get("/api/v1/migrations?state=moving"), 400, "state");
    expect_field_error(admin_->get("/api/v1/migrations?limit=0"), 400, "limit");
    expect_field_error(admin_->get("/api/v1/migrations?before=%%%"), 400, "before");

    const std::string none(kNoSuchId);
    for (const auto& [method, path] :
         {std::pair{"GET", "/api/v1/migrations/" + none},
          std::pair{"POST", "/api/v1/migrations/" + none + "/cancel"},
          std::pair{"GET", "/api/v1/migration-batches/" + none},
          std::pair{"POST", "/api/v1/migration-batches/" + none + "/cancel"},
          std::pair{"POST", "/api/v1/regions/" + none + "/move"},
          std::pair{"POST", "/api/v1/simulators/" + none + "/drain"}}) {
        const auto result = admin_->call(method, path, method == std::string("GET") ? "" : "{}");
        EXPECT_EQ(result.status, 404) << method << " " << path << ": " << result.raw;
    }
}

}  // namespace

namespace {

// Simulators that stop beating go offline after a second here, so one can be evacuated.
class MigrationApiOffline : public MigrationApi {
  protected:
    void SetUp() override { start({{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", "1"}}); }
};

TEST_F(MigrationApiOffline, AnOfflineSimulatorIsEvacuatedAsABatch) {
    const auto [a, key] =
        vergegrid::test::register_simulator(*admin_, control_->port(), "sim-a.example.org");
    const auto id = region("Alpha", a);
    ASSERT_EQ(ApiClient(control_->port(), key)
                  .post("/api/v1/sim/heartbeat", {{"cpu_load", 0.1}})
                  .body.value("state", ""),
              "online");
    const auto b = simulator("sim-b.example.org");
    std::string state;
    for (int i = 0;
         i < 200 &&
         (state = admin_->get("/api/v1/simulators/" + a).body.value("state", "")) != "offline";
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(state, "offline");

    auto evacuated = admin_->post("/api/v1/simulators/" + a + "/evacuate", {{"max_parallel", 1}});
    ASSERT_EQ(evacuated.status, 202) << evacuated.raw;
    const json batch = evacuated.body.at("batch");
    EXPECT_EQ(batch.at("kind"), "evacuate");
    EXPECT_EQ(batch.at("simulator_id"), a);
    EXPECT_EQ(batch.at("max_parallel"), 1);
    EXPECT_EQ(batch.at("progress").at("total"), 1);
    ASSERT_EQ(batch.at("migrations").size(), 1U);
    const json move = batch.at("migrations").at(0);
    EXPECT_EQ(move.at("region_id"), id);
    EXPECT_EQ(move.at("target_simulator_id"), b);
    EXPECT_EQ(move.at("options").at("evacuate"), true);
    auto listed = admin_->get("/api/v1/migration-batches?simulator_id=" + a);
    ASSERT_EQ(listed.body.at("items").size(), 1U) << listed.raw;
    EXPECT_EQ(listed.body.at("items").at(0).at("id"), batch.at("id"));
}

}  // namespace
}  // namespace migration_api_test
