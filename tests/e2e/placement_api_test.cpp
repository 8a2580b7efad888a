// Placement over the real HTTP API with the SQLite default: automatic placement on create, pins
// and forced pins, refusals that explain themselves, dry-run plans that write nothing, runtime
// policy swaps (audited), concurrent creates that never share a port or overfill a simulator,
// drain and move, and the coordinate allocator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <chrono>

#include <atomic>
#include <set>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace placement_api_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

class Placement : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
        estate_ = admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
    }

    std::string simulator(const std::string& hostname, int capacity,
                          const json& labels = json::array()) {
        const std::string token =
            admin_->post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
        auto registered = ApiClient(control_->port(), "")
                              .post("/api/v1/sim/register", {{"token", token},
                                                             {"hostname", hostname},
                                                             {"capacity", capacity},
                                                             {"labels", labels}});
        EXPECT_EQ(registered.status, 201) << registered.raw;
        return registered.body.at("simulator_id");
    }

    json region(const std::string& name, json placement = json::object()) const {
        json body = {{"name", name}, {"estate_id", estate_}};
        if (!placement.empty()) {
            body["placement"] = std::move(placement);
        }
        return body;
    }

    int count(const std::string& path) const {
        return static_cast<int>(admin_->get(path).body.at("items").size());
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string estate_;
};

TEST_F(Placement, ARegionWithoutPinHostOrCoordinatesIsPlacedOnCreate) {
    const auto a = simulator("sim-a.example.org", 4);
    const auto b = simulator("sim-b.example.org", 4, {"event"});
    auto created =
        admin_->post("/api/v1/regions", region("Alpha", {{"required_labels", {"event"}}}));
    ASSERT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body.at("placement").at("simulator_id"), b);
    EXPECT_EQ(created.body.at("host"), "sim-b.example.org");
    EXPECT_EQ(created.body.at("port"), 9000);
    EXPECT_EQ(created.body.at("loc_x"), 1000);
    EXPECT_EQ(created.body.at("loc_y"), 1000);
    EXPECT_THAT(created.body.at("placement_decision").at("reasons").at(0).get<std::string>(),
                HasSubstr("basic-rules ranks simulator " + b));

    auto second = admin_->post("/api/v1/regions", region("Beta"));
    ASSERT_EQ(second.status, 201) << second.raw;
    EXPECT_EQ(second.body.at("placement").at("simulator_id"), a);  // the emptier one
    EXPECT_EQ(second.body.at("loc_y"), 999);  // nearest free cell to <1000,1000>
    // The simulator got the region's create operation through the channel as usual.
    EXPECT_EQ(count("/api/v1/operations?simulator_id=" + a), 1);
}

TEST_F(Placement, ARefusalNamesEverySimulatorAndWhy) {
    const auto a = simulator("sim-a.example.org", 4);
    const auto b = simulator("sim-b.example.org", 4);
    admin_->post("/api/v1/simulators/" + b + "/cordon", json::object());
    auto strict = region("Alpha", {{"required_labels", {"gpu"}}});
    strict["require_placement"] = true;
    auto refused = admin_->post("/api/v1/regions", strict);
    EXPECT_EQ(refused.status, 409) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "no_placement");
    EXPECT_EQ(refused.body.at("error").at("field"), "placement");
    const std::string message = refused.body.at("error").at("message");
    EXPECT_THAT(message, HasSubstr(a + ": simulator lacks required label 'gpu'"));
    EXPECT_THAT(message, HasSubstr(b + ": simulator is cordoned"));
    EXPECT_EQ(count("/api/v1/regions"), 0);

    auto odd = region("Alpha");
    odd["require_placement"] = "yes";
    auto bad = admin_->post("/api/v1/regions", odd);
    EXPECT_EQ(bad.status, 400) << bad.raw;
    EXPECT_EQ(bad.body.at("error").at("field"), "require_placement");
    EXPECT_EQ(admin_->get("/api/v1/regions?placement_state=lost").status, 400);
}

// Without "require_placement" the same refusal creates the region pending (docs/api.md, "Pending
// regions"), and it is placed once a simulator can take it: here, when one is uncordoned.
TEST_F(Placement, ARegionNoSimulatorCanTakeIsPendingUntilOneCan) {
    const auto a = simulator("sim-a.example.org", 4);
    admin_->post("/api/v1/simulators/" + a + "/cordon", json::object());
    auto created = admin_->post("/api/v1/regions", region("Alpha"));
    ASSERT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body.at("placement_state"), "pending");
    EXPECT_THAT(created.body.at("placement_reasons").at(0).get<std::string>(),
                HasSubstr(a + ": simulator is cordoned"));
    EXPECT_EQ(created.body.at("port"), 0);
    EXPECT_EQ(count("/api/v1/regions?placement_state=pending"), 1);
    EXPECT_EQ(count("/api/v1/regions?placement_state=placed"), 0);
    EXPECT_EQ(count("/api/v1/operations?simulator_id=" + a), 0);
    const std::string id = created.body.at("id");
    EXPECT_EQ(admin_->post("/api/v1/regions/" + id + "/restart", json::object()).status, 409);

    ASSERT_EQ(admin_->post("/api/v1/simulators/" + a + "/uncordon", json::object()).status, 200);
    json placed;
    for (int i = 0; i < 100; ++i) {
        placed = admin_->get("/api/v1/regions/" + id).body;
        if (placed.at("placement_state") == "placed") {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(placed.at("placement_state"), "placed");
    EXPECT_EQ(placed.at("placement").at("simulator_id"), a);
    EXPECT_EQ(placed.at("port"), 9000);
    EXPECT_EQ(count("/api/v1/operations?simulator_id=" + a), 1);
}

TEST_F(Placement, APinThePolicyRefusesNeedsForce) {
    const auto a = simulator("sim-a.example.org", 1);
    ASSERT_EQ(admin_->post("/api/v1/regions", region("Alpha", {{"simulator_id", a}})).status, 201);
    auto refused = admin_->post("/api/v1/regions", region("Beta", {{"simulator_id", a}}));
    EXPECT_EQ(refused.status, 409) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "placement_refused");
    EXPECT_EQ(refused.body.at("error").at("field"), "placement.simulator_id");
    EXPECT_THAT(refused.body.at("error").at("message").get<std::string>(),
                HasSubstr("simulator is full: 1 of 1 regions"));

    auto forced =
        admin_->post("/api/v1/regions", region("Beta", {{"simulator_id", a}, {"force", true}}));
    ASSERT_EQ(forced.status, 201) << forced.raw;
    EXPECT_EQ(forced.body.at("port"), 9001);
    EXPECT_FALSE(forced.body.at("placement").contains("force"));  // an option, never stored

    // PATCH: a new pin is checked the same way.
    const auto b = simulator("sim-b.example.org", 4);
    admin_->post("/api/v1/simulators/" + b + "/cordon", json::object());
    const std::string id = forced.body.at("id");
    auto moved = admin_->patch("/api/v1/regions/" + id, {{"placement", {{"simulator_id", b}}}});
    EXPECT_EQ(moved.status, 409) << moved.raw;
    EXPECT_THAT(moved.raw, HasSubstr("cordoned"));
    moved = admin_->patch("/api/v1/regions/" + id,
                          {{"placement", {{"simulator_id", b}, {"force", true}}}});
    EXPECT_EQ(moved.status, 200) << moved.raw;
}

TEST_F(Placement, APlanAnswersForABatchAndWritesNothing) {
    const auto a = simulator("sim-a.example.org", 2);
    const int audit_before = count("/api/v1/audit?limit=200");
    auto plan = admin_->post(
        "/api/v1/placement/plan",
        {{"regions",
          {region("One"), region("Two"), region("Three"),
           region("Pinned", {{"simulator_id", "00000000-0000-4000-8000-000000000000"}})}}});
    ASSERT_EQ(plan.status, 200) << plan.raw;
    const auto& placements = plan.body.at("placements");
    ASSERT_EQ(placements.size(), 4u);
    EXPECT_EQ(placements.at(0).at("placed"), true);
    EXPECT_EQ(placements.at(0).at("simulator_id"), a);
    EXPECT_EQ(placements.at(0).at("port"), 9000);
    EXPECT_EQ(placements.at(1).at("port"), 9001);  // the batch sees its own earlier regions
    EXPECT_NE(placements.at(0).at("loc_y"), placements.at(1).at("loc_y"));
    EXPECT_EQ(placements.at(2).at("placed"), false);
    EXPECT_THAT(placements.at(2).at("refusals").at(a).get<std::string>(),
                HasSubstr("full: 2 of 2"));
    EXPECT_EQ(placements.at(3).at("placed"), false);
    EXPECT_EQ(placements.at(3).at("field"), "placement.simulator_id");

    auto single = admin_->post("/api/v1/placement/plan", region("Solo"));
    ASSERT_EQ(single.status, 200) << single.raw;
    EXPECT_EQ(single.body.at("placements").at(0).at("region"), "Solo");

    EXPECT_EQ(count("/api/v1/regions"), 0);
    EXPECT_EQ(count("/api/v1/audit?limit=200"), audit_before);
    EXPECT_EQ(count("/api/v1/operations"), 0);
    EXPECT_EQ(admin_->post("/api/v1/placement/plan", json::object()).status, 400);
}

// Each of 1,000 regions of 8192 m searches ever wider rings for a free 32x32-cell footprint:
// about a minute of CPU unbounded. placement.plan_work_budget stops it with a 422 naming the
// field, long before; a plan of ordinary size still gets its answer.
TEST_F(Placement, APlanTooBigForTheWorkBudgetIsRefusedNamingTheField) {
    // A fiftieth of the default budget, so that running out takes ~0.5 s, and ~3 s in the
    // sanitizer build: at a tenth it took 10-12 s there under load, past the test client's 10 s.
    // The budget counts work, not time, so the rule tested is the same.
    TempDir dir;
    ControlPlaneProcess control(
        {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()},
        {{"VERGEGRID_PLACEMENT_PLAN_WORK_BUDGET", "4000000"}});
    ASSERT_TRUE(control.started()) << control.process().output();
    ApiClient admin(control.port());
    const std::string estate =
        admin.post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}}).body.at("id");
    auto big_regions = [&](int count, int size) {
        json regions = json::array();
        for (int i = 0; i < count; ++i) {
            regions.push_back({{"name", "Big " + std::to_string(i)},
                               {"estate_id", estate},
                               {"size_x", size},
                               {"size_y", size},
                               {"host", "sim.example.org"},
                               {"port", 10000 + i}});
        }
        return json{{"regions", regions}};
    };
    const auto started = std::chrono::steady_clock::now();
    auto refused = admin.post("/api/v1/placement/plan", big_regions(1000, 8192));
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(refused.status, 422) << refused.raw.substr(0, 300);
    ASSERT_TRUE(refused.body.is_object()) << refused.raw.substr(0, 300);
    EXPECT_EQ(refused.body.at("error").value("code", ""), "plan_too_large");
    EXPECT_EQ(refused.body.at("error").value("field", ""), "regions");
    EXPECT_THAT(refused.body.at("error").value("message", ""),
                HasSubstr("placement.plan_work_budget"));
    // Unbounded, this took minutes; only a missing bound comes near this.
    EXPECT_LT(took, std::chrono::seconds(30));

    auto fine = admin.post("/api/v1/placement/plan", big_regions(100, 2048));
    ASSERT_EQ(fine.status, 200) << fine.raw.substr(0, 300);
    ASSERT_EQ(fine.body.at("placements").size(), 100U);
    EXPECT_EQ(fine.body.at("placements").at(99).at("placed"), true);
    EXPECT_EQ(admin.get("/api/v1/regions").body.at("items").size(), 0U);
}

TEST_F(Placement, ABatchPlanSeesItsPinnedRegionsWhenRanking) {
    const auto a = simulator("sim-a.example.org", 4);
    const auto b = simulator("sim-b.example.org", 4);
    const auto low = std::min(a, b);
    const auto high = std::max(a, b);
    // Two regions pinned to the lower id (ties go there) fill half of it: the next one, left to
    // the policy, goes to the other simulator.
    auto plan = admin_->post("/api/v1/placement/plan",
                             {{"regions",
                               {region("P1", {{"simulator_id", low}}),
                                region("P2", {{"simulator_id", low}}), region("Free")}}});
    ASSERT_EQ(plan.status, 200) << plan.raw;
    EXPECT_EQ(plan.body.at("placements").at(2).at("simulator_id"), high) << plan.raw;
}

TEST_F(Placement, ThePolicyIsSwappedAtRuntimeAndTheSwapIsAudited) {
    auto policy = admin_->get("/api/v1/placement/policy");
    ASSERT_EQ(policy.status, 200) << policy.raw;
    EXPECT_EQ(policy.body, json::parse(R"({"active":"basic-rules",
                                           "available":["basic-rules","binpack","spread"]})"));
    const auto a = simulator("sim-a.example.org", 3);
    const auto b = simulator("sim-b.example.org", 3);
    ASSERT_EQ(admin_->post("/api/v1/regions", region("First")).status, 201);  // on a (lowest id
                                                                              // of two equals)
    auto swapped = admin_->call("PUT", "/api/v1/placement/policy", R"({"policy":"binpack"})");
    ASSERT_EQ(swapped.status, 200) << swapped.raw;
    EXPECT_EQ(swapped.body.at("active"), "binpack");
    EXPECT_EQ(admin_->get("/api/v1/placement/policy").body.at("active"), "binpack");
    // binpack joins the fuller simulator; basic-rules would have chosen the empty one.
    const std::string first_sim = std::min(a, b);
    auto second = admin_->post("/api/v1/regions", region("Second"));
    EXPECT_EQ(second.body.at("placement").at("simulator_id"), first_sim) << second.raw;

    auto unknown = admin_->call("PUT", "/api/v1/placement/policy", R"({"policy":"roundrobin"})");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.body.at("error").at("field"), "policy");
    EXPECT_EQ(admin_->call("PUT", "/api/v1/placement/policy", R"({"policy":7})").status, 400);

    auto audit = admin_->get("/api/v1/audit?action=placement.policy");
    ASSERT_EQ(audit.body.at("items").size(), 1u) << audit.raw;
    EXPECT_EQ(audit.body.at("items").at(0).at("before").at("policy"), "basic-rules");
    EXPECT_EQ(audit.body.at("items").at(0).at("after").at("policy"), "binpack");
}

TEST_F(Placement, ConcurrentCreatesNeverShareAPortACellOrTheLastSlot) {
    simulator("sim-a.example.org", 10);
    constexpr int kCreates = 16;
    std::vector<vergegrid::test::JsonResult> results(kCreates);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCreates; ++i) {
        threads.emplace_back([&, i] {
            results[i] = ApiClient(control_->port())
                             .post("/api/v1/regions", region("R" + std::to_string(i)));
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    // The last slot goes once: the rest wait as pending regions (docs/api.md), each on a map cell
    // of its own but on no port.
    std::set<int> ports;
    std::set<std::pair<int, int>> cells;
    int created = 0;
    int pending = 0;
    for (const auto& result : results) {
        ASSERT_EQ(result.status, 201) << result.raw;
        cells.emplace(result.body.at("loc_x").get<int>(), result.body.at("loc_y").get<int>());
        if (result.body.at("placement_state") == "placed") {
            ++created;
            ports.insert(result.body.at("port").get<int>());
        } else {
            EXPECT_EQ(result.body.at("port"), 0) << result.raw;
            ++pending;
        }
    }
    EXPECT_EQ(created, 10);
    EXPECT_EQ(pending, kCreates - 10);
    EXPECT_EQ(ports.size(), 10u);
    EXPECT_EQ(cells.size(), static_cast<std::size_t>(kCreates));
    EXPECT_EQ(count("/api/v1/regions?placement_state=placed"), 10);
}

TEST_F(Placement, DrainCordonsAndPlansMovesThenAMoveFollowsThePlan) {
    const auto a = simulator("sim-a.example.org", 4);
    ASSERT_EQ(admin_->post("/api/v1/regions", region("Alpha", {{"simulator_id", a}})).status, 201);
    ASSERT_EQ(admin_->post("/api/v1/regions", region("Beta", {{"simulator_id", a}})).status, 201);
    const auto b = simulator("sim-b.example.org", 4);
    auto drain = admin_->post("/api/v1/simulators/" + a + "/drain", json::object());
    ASSERT_EQ(drain.status, 200) << drain.raw;
    EXPECT_EQ(drain.body.at("simulator").at("state"), "cordoned");
    const auto& moves = drain.body.at("moves");
    ASSERT_EQ(moves.size(), 2u);
    EXPECT_EQ(moves.at(0).at("simulator_id"), b);
    EXPECT_EQ(moves.at(1).at("simulator_id"), b);
    EXPECT_NE(moves.at(0).at("port"), moves.at(1).at("port"));
    // Planned only: both regions are still on a.
    EXPECT_EQ(count("/api/v1/regions?host=sim-a.example.org"), 2);

    const std::string id = moves.at(0).at("region_id");
    auto moved = admin_->post("/api/v1/regions/" + id + "/move", json::object());
    ASSERT_EQ(moved.status, 202) << moved.raw;  // a move with content runs as a migration
    EXPECT_EQ(moved.body.at("migration").at("target_simulator_id"), b);
    EXPECT_EQ(moved.body.at("migration").at("target_host"), "sim-b.example.org");
    EXPECT_EQ(moved.body.at("migration").at("target_port"), moves.at(0).at("port"));
    EXPECT_FALSE(moved.body.at("placement_decision").at("reasons").empty()) << moved.raw;
    // The region stays on a until the switch; the target's slot is reserved meanwhile.
    EXPECT_EQ(count("/api/v1/regions?host=sim-a.example.org"), 2);

    const std::string other = moves.at(1).at("region_id");
    auto back = admin_->post("/api/v1/regions/" + other + "/move", {{"simulator_id", a}});
    EXPECT_EQ(back.status, 409) << back.raw;  // a is cordoned (and is its own simulator)
    const auto c = simulator("sim-c.example.org", 4);
    admin_->post("/api/v1/simulators/" + c + "/cordon", json::object());
    EXPECT_EQ(admin_->post("/api/v1/regions/" + other + "/move", {{"simulator_id", c}}).status,
              409);
    EXPECT_EQ(
        admin_->post("/api/v1/regions/" + other + "/move", {{"simulator_id", c}, {"force", true}})
            .status,
        202);
}

TEST_F(Placement, ARegionGoesNextToTheOneItNamesAndWithAffinityOntoItsSimulator) {
    const auto a = simulator("sim-a.example.org", 4);
    const auto b = simulator("sim-b.example.org", 4);
    auto hub = admin_->post("/api/v1/regions", region("Hub", {{"simulator_id", b}}));
    ASSERT_EQ(hub.status, 201) << hub.raw;
    auto hub_moved = admin_->patch("/api/v1/regions/" + hub.body.at("id").get<std::string>(),
                                   {{"loc_x", 500}, {"loc_y", 500}});
    ASSERT_EQ(hub_moved.status, 200) << hub_moved.raw;

    auto plain = admin_->post("/api/v1/placement/plan", region("Spoke", {{"near_region", "Hub"}}));
    EXPECT_EQ(plain.body.at("placements").at(0).at("simulator_id"), a) << plain.raw;
    auto spoke = admin_->post("/api/v1/regions",
                              region("Spoke", {{"near_region", "Hub"}, {"affinity", true}}));
    ASSERT_EQ(spoke.status, 201) << spoke.raw;
    EXPECT_EQ(spoke.body.at("loc_x"), 500);
    EXPECT_EQ(spoke.body.at("loc_y"), 499);
    EXPECT_EQ(spoke.body.at("placement").at("simulator_id"), b);

    auto var =
        admin_->post("/api/v1/regions", json{{"name", "Big"},
                                             {"estate_id", estate_},
                                             {"size_x", 512},
                                             {"size_y", 512},
                                             {"placement", {{"near", {{"x", 500}, {"y", 500}}}}}});
    ASSERT_EQ(var.status, 201) << var.raw;
    // <500,500> and <500,499> are taken; the nearest free 2x2 footprint starts at <501,500>.
    EXPECT_EQ(var.body.at("loc_x"), 501);
    EXPECT_EQ(var.body.at("loc_y"), 500);
    EXPECT_EQ(
        admin_
            ->post("/api/v1/regions", json{{"name", "Half"}, {"estate_id", estate_}, {"loc_x", 3}})
            .status,
        400);
}

TEST_F(Placement, SwapsWhileCreatesRunLoseNoDecision) {
    simulator("sim-a.example.org", 40);
    simulator("sim-b.example.org", 40);
    constexpr int kCreates = 24;
    std::atomic<bool> done{false};
    std::atomic<int> swaps{0};
    std::thread swapper([&] {
        const ApiClient admin(control_->port());
        const char* names[] = {"spread", "binpack", "basic-rules"};
        while (!done.load()) {
            const auto result = admin.call("PUT", "/api/v1/placement/policy",
                                           json{{"policy", names[swaps.load() % 3]}}.dump());
            EXPECT_EQ(result.status, 200) << result.raw;
            ++swaps;
        }
    });
    std::vector<vergegrid::test::JsonResult> results(kCreates);
    std::vector<std::thread> creators;
    for (int t = 0; t < 4; ++t) {
        creators.emplace_back([&, t] {
            const ApiClient client(control_->port());
            for (int i = t; i < kCreates; i += 4) {
                results[i] = client.post("/api/v1/regions", region("R" + std::to_string(i)));
            }
        });
    }
    for (auto& creator : creators) {
        creator.join();
    }
    done = true;
    swapper.join();
    for (const auto& result : results) {
        EXPECT_EQ(result.status, 201) << result.raw;
        EXPECT_FALSE(result.body.at("placement").at("simulator_id").is_null()) << result.raw;
    }
    EXPECT_EQ(count("/api/v1/regions"), kCreates);
    EXPECT_GT(swaps.load(), 0);
    EXPECT_EQ(count("/api/v1/audit?action=placement.policy&limit=500"), swaps.load());
}

TEST(PlacementStartUp, AConfiguredPolicyThatIsNotLoadedStopsStartUpNamingTheKey) {
    TempDir dir;
    vergegrid::test::ChildProcess control(
        VERGEGRID_CONTROL_BINARY,
        {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()},
        {{"VERGEGRID_PLACEMENT_POLICY", "round-robin"},
         {"VERGEGRID_ADMIN_TOKEN", vergegrid::test::kTestAdminToken}});
    EXPECT_EQ(control.wait_for_exit(std::chrono::seconds(15)), 1);
    EXPECT_THAT(control.output(),
                HasSubstr("placement.policy: no loaded placement plugin named 'round-robin'"));
}

}  // namespace
}  // namespace placement_api_test
