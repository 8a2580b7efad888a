// The engine's hard rules over the real HTTP API: with the reckless test policy active (a real
// .so whose filter() accepts every simulator and ranks the worst first), a create, a batch plan
// (the ranked fast path) and a PATCH pin still never put a region on a cordoned, revoked, offline,
// full or overloaded simulator, nor on one that lacks a required label or breaks an
// anti-affinity. And a policy swapped in at runtime with a bad configuration value is bad input
// (422 naming the key), not a plugin failure (500).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace placement_hard_rules_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

// The built-in plugins the control plane needs, plus the reckless policy, in one folder.
fs::path plugin_folder(const TempDir& dir) {
    const auto folder = dir.path() / "plugins";
    fs::create_directories(folder);
    for (const char* needed : {"vg-storage-sqlite.so", "vg-auth-builtin.so", "vg-sync-hybrid.so",
                               "vg-placement-spread.so"}) {
        fs::copy_file(fs::path(VERGEGRID_PLUGIN_DIR) / needed, folder / needed);
    }
    fs::copy_file(VERGEGRID_RECKLESS_PLUGIN, folder / "vg-test-placement-reckless.so");
    return folder;
}

class HardRules : public ::testing::Test {
  protected:
    void start(std::map<std::string, std::string> env = {}) {
        env.emplace("VERGEGRID_PLACEMENT_POLICY", "reckless");
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string(), "--plugin-dir",
                                     plugin_folder(dir_).string()},
            env);
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
        ASSERT_EQ(admin_->get("/api/v1/placement/policy").body.at("active"), "reckless");
        estate_ = admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
    }

    // {simulator id, API key}
    std::pair<std::string, std::string> simulator(const std::string& hostname, int capacity,
                                                  const json& labels) {
        const std::string token =
            admin_->post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
        auto registered = ApiClient(control_->port(), "")
                              .post("/api/v1/sim/register", {{"token", token},
                                                             {"hostname", hostname},
                                                             {"capacity", capacity},
                                                             {"labels", labels}});
        EXPECT_EQ(registered.status, 201) << registered.raw;
        return {registered.body.at("simulator_id"), registered.body.at("api_key")};
    }

    json region(const std::string& name, json placement = json::object()) const {
        json body = {{"name", name}, {"estate_id", estate_}};
        if (!placement.empty()) {
            body["placement"] = std::move(placement);
        }
        return body;
    }

    json careful(const std::string& name) const {
        return region(name,
                      {{"required_labels", {"main"}}, {"anti_affinity", {"sandbox", "Neighbour"}}});
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string estate_;
};

TEST_F(HardRules, AnAcceptAllPolicyCannotPlaceARegionWhereTheRulesForbid) {
    start();
    const json main = {"main"};
    const auto cordoned = simulator("cordoned.example.org", 4, main).first;
    ASSERT_EQ(admin_->post("/api/v1/simulators/" + cordoned + "/cordon", json::object()).status,
              200);
    const auto revoked = simulator("revoked.example.org", 4, main).first;
    ASSERT_EQ(admin_->post("/api/v1/simulators/" + revoked + "/revoke", json::object()).status,
              200);
    const auto full = simulator("full.example.org", 1, main).first;
    ASSERT_EQ(admin_->post("/api/v1/regions", region("Old", {{"simulator_id", full}})).status, 201);
    const auto [hot, hot_key] = simulator("hot.example.org", 4, main);
    ASSERT_EQ(ApiClient(control_->port(), hot_key)
                  .post("/api/v1/sim/heartbeat", {{"cpu_load", 0.95}, {"memory_load", 0.2}})
                  .status,
              200);
    const auto unlabelled = simulator("unlabelled.example.org", 4, json::array()).first;
    const auto sandboxed = simulator("sandboxed.example.org", 4, {"main", "sandbox"}).first;
    const auto neighbour = simulator("neighbour.example.org", 4, main).first;
    ASSERT_EQ(
        admin_->post("/api/v1/regions", region("Neighbour", {{"simulator_id", neighbour}})).status,
        201);

    // Nothing fits: a create that requires placement is refused, each simulator named with its
    // rule (without "require_placement" it would be created pending, docs/api.md).
    auto strict = careful("Alpha");
    strict["require_placement"] = true;
    auto refused = admin_->post("/api/v1/regions", strict);
    ASSERT_EQ(refused.status, 409) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "no_placement");
    auto plan = admin_->post("/api/v1/placement/plan", careful("Alpha"));
    ASSERT_EQ(plan.status, 200) << plan.raw;
    const auto& refusals = plan.body.at("placements").at(0).at("refusals");
    EXPECT_THAT(refusals.at(cordoned).get<std::string>(), HasSubstr("simulator is cordoned"));
    EXPECT_THAT(refusals.at(revoked).get<std::string>(), HasSubstr("simulator is revoked"));
    EXPECT_THAT(refusals.at(full).get<std::string>(), HasSubstr("simulator is full: 1 of 1"));
    EXPECT_THAT(refusals.at(hot).get<std::string>(), HasSubstr("CPU load 95% is above the 90%"));
    EXPECT_THAT(refusals.at(unlabelled).get<std::string>(), HasSubstr("lacks required label"));
    EXPECT_THAT(refusals.at(sandboxed).get<std::string>(), HasSubstr("carries label 'sandbox'"));
    EXPECT_THAT(refusals.at(neighbour).get<std::string>(), HasSubstr("holds region 'Neighbour'"));

    // A good simulator, ranked last by the policy, is the only one chosen: by a create, and by
    // every region of a batch plan (the ranked fast path).
    const auto good = simulator("good.example.org", 4, main).first;
    auto created = admin_->post("/api/v1/regions", careful("Alpha"));
    ASSERT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body.at("placement").at("simulator_id"), good);
    auto batch =
        admin_->post("/api/v1/placement/plan",
                     {{"regions", {careful("B1"), careful("B2"), careful("B3"), careful("B4")}}});
    ASSERT_EQ(batch.status, 200) << batch.raw;
    const auto& placements = batch.body.at("placements");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(placements.at(i).at("simulator_id"), good) << batch.raw;
    }
    EXPECT_FALSE(placements.at(3).at("placed").get<bool>()) << "good holds 4 of 4 by then";

    // A pin set by PATCH is checked by the rules too (force overrides, as before).
    const auto alpha = created.body.at("id").get<std::string>();
    auto pinned =
        admin_->patch("/api/v1/regions/" + alpha, {{"placement", {{"simulator_id", cordoned}}}});
    EXPECT_EQ(pinned.status, 409) << pinned.raw;
    EXPECT_EQ(pinned.body.at("error").at("code"), "placement_refused");
    EXPECT_THAT(pinned.body.at("error").at("message").get<std::string>(),
                HasSubstr("simulator is cordoned"));
}

TEST_F(HardRules, AnOfflineSimulatorTakesNothingFromAnAcceptAllPolicy) {
    start({{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", "1"}});
    const auto [id, key] = simulator("quiet.example.org", 4, json::array());
    ASSERT_EQ(
        ApiClient(control_->port(), key).post("/api/v1/sim/heartbeat", {{"cpu_load", 0.1}}).status,
        200);
    for (int i = 0;
         i < 100 && admin_->get("/api/v1/simulators/" + id).body.at("state") != "offline"; ++i) {
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(admin_->get("/api/v1/simulators/" + id).body.at("state"), "offline");
    // Created pending (docs/api.md, "Pending regions"), the offline simulator named as why.
    auto waiting = admin_->post("/api/v1/regions", region("Alpha"));
    EXPECT_EQ(waiting.status, 201) << waiting.raw;
    EXPECT_EQ(waiting.body.at("placement_state"), "pending");
    EXPECT_THAT(waiting.body.at("placement_reasons").at(0).get<std::string>(),
                HasSubstr(id + ": simulator is offline"));
}

TEST_F(HardRules, APolicySwappedInWithABadConfigurationValueIsBadInputNamingTheKey) {
    const auto ini = dir_.path() / "control.ini";
    std::ofstream(ini) << "[placement.spread]\nmax_cpu_load = 1.5\n";
    control_ = std::make_unique<ControlPlaneProcess>(
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                 (dir_.path() / "data").string(), "--config", ini.string()});
    ASSERT_TRUE(control_->started()) << control_->process().output();
    admin_ = std::make_unique<ApiClient>(control_->port());
    auto swapped = admin_->call("PUT", "/api/v1/placement/policy", R"({"policy":"spread"})");
    EXPECT_EQ(swapped.status, 422) << swapped.raw;
    EXPECT_EQ(swapped.body.at("error").at("code"), "invalid_policy_config");
    EXPECT_EQ(swapped.body.at("error").at("field"), "placement.spread.max_cpu_load");
    EXPECT_THAT(swapped.body.at("error").at("message").get<std::string>(),
                HasSubstr("placement.spread.max_cpu_load: must be a number from 0 to 1"));
    EXPECT_EQ(admin_->get("/api/v1/placement/policy").body.at("active"), "basic-rules");
    auto audit = admin_->get("/api/v1/audit?action=placement.policy");
    EXPECT_TRUE(audit.body.at("items").empty()) << "a refused swap is not audited";
}

}  // namespace
}  // namespace placement_hard_rules_test
