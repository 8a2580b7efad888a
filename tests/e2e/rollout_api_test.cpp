// Template rollouts over the real HTTP API (docs/rollouts.md) with the SQLite default and no
// bridge: the test plays the simulator (register, pull, report). 20 regions of one template, a
// new template version rolled out in waves: a rollout whose wave 2 has two failures (the
// threshold) stops there and rolls back exactly the regions it changed; a clean one upgrades
// all 20 and bumps their versions as docs/versioning.md says; one whose control plane is killed
// mid-wave carries on after the restart; a dry run writes nothing; every bad request is a 4xx
// naming its field; pause, resume and cancel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace rollout_api_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::JsonResult;
using vergegrid::test::TempDir;

constexpr int kRegions = 20;

class RolloutApi : public ::testing::Test {
  protected:
    void SetUp() override {
        start();
        estate_ = admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
        const std::string token =
            admin_->post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
        auto registered =
            ApiClient(control_->port(), "")
                .post("/api/v1/sim/register",
                      {{"token", token}, {"hostname", "sim-a.example.org"}, {"capacity", 64}});
        ASSERT_EQ(registered.status, 201) << registered.raw;
        simulator_id_ = registered.body.at("simulator_id");
        api_key_ = registered.body.at("api_key");
        auto tmpl = admin_->post("/api/v1/templates",
                                 {{"name", "Sandbox"}, {"environment", {{"water_height", 20}}}});
        ASSERT_EQ(tmpl.status, 201) << tmpl.raw;
        template_id_ = tmpl.body.at("id");
        for (int i = 1; i <= kRegions; ++i) {
            auto created = admin_->post(
                "/api/v1/regions",
                {{"name", "Sand " + std::string(i < 10 ? "0" : "") + std::to_string(i)},
                 {"estate_id", estate_},
                 {"template_id", template_id_},
                 {"loc_x", 1000 + i},
                 {"loc_y", 1000},
                 {"placement", {{"simulator_id", simulator_id_}}}});
            ASSERT_EQ(created.status, 201) << created.raw;
            regions_.push_back(created.body.at("id"));
        }
        serve({});  // the creates
        auto changed = admin_->patch("/api/v1/templates/" + template_id_,
                                     {{"environment", {{"water_height", 35}}}});
        ASSERT_EQ(changed.status, 200) << changed.raw;
        ASSERT_EQ(changed.body.at("version"), "1.0.1") << changed.raw;
    }

    void start() {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
    }

    // The simulator pulls what it has and reports each: the upgrades of `failing` fail, the
    // rest succeed. At most `limit` reports. Returns how many it reported.
    int serve(const std::set<std::string>& failing, int limit = 1000) {
        const ApiClient simulator(control_->port(), api_key_);
        const auto pulled = simulator.get("/api/v1/sim/operations?wait=0");
        EXPECT_EQ(pulled.status, 200) << pulled.raw;
        int reported = 0;
        for (const auto& op : pulled.body.at("items")) {
            if (reported == limit) {
                break;
            }
            const bool fail = op.at("kind") == "update" && failing.contains(op.at("region_id"));
            const auto done = simulator.post(
                "/api/v1/sim/operations/" + std::to_string(op.at("id").get<long>()) + "/result",
                {{"state", fail ? "failed" : "succeeded"},
                 {"result", fail ? json{{"error", "the region did not come back healthy"}}
                                 : json{{"path", "test"}, {"detail", ""}}}});
            EXPECT_EQ(done.status, 200) << done.raw;
            ++reported;
        }
        return reported;
    }

    json rollout(const std::string& id) {
        auto shown = admin_->get("/api/v1/rollouts/" + id);
        EXPECT_EQ(shown.status, 200) << shown.raw;
        return shown.body;
    }

    // Serves the simulator until the rollout has ended (or 60 s have passed).
    json run_to_end(const std::string& id, const std::set<std::string>& failing) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        for (;;) {
            serve(failing);
            auto now = rollout(id);
            const std::string state = now.at("state");
            if (state != "running" || std::chrono::steady_clock::now() > deadline) {
                return now;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    JsonResult start_rollout(const json& body) {
        return admin_->post("/api/v1/templates/" + template_id_ + "/rollouts", body);
    }

    json region(const std::string& id) { return admin_->get("/api/v1/regions/" + id).body; }

    std::vector<std::string> history(const std::string& id) {
        std::vector<std::string> out;
        // Kept: the loop must not walk a member of a temporary answer.
        const auto answer = admin_->get("/api/v1/regions/" + id + "/history");
        for (const auto& entry : answer.body.at("items")) {
            out.push_back(entry.at("version").get<std::string>() + " " +
                          entry.at("change").get<std::string>());
        }
        return out;
    }

    static std::vector<std::string> in_wave(const json& shown, int wave) {
        std::vector<std::string> ids;
        for (const auto& r : shown.at("regions")) {
            if (r.at("wave") == wave) {
                ids.push_back(r.at("region_id"));
            }
        }
        return ids;
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
    std::string simulator_id_;
    std::string api_key_;
    std::string template_id_;
    std::vector<std::string> regions_;
};

TEST_F(RolloutApi, TwoFailuresInWaveTwoStopTheRolloutAndRollBackExactlyTheChangedRegions) {
    auto started = start_rollout(
        {{"to_version", "1.0.1"}, {"waves", {1, 5, "100%"}}, {"failure_threshold", 2}});
    ASSERT_EQ(started.status, 201) << started.raw;
    const std::string id = started.body.at("id");
    EXPECT_EQ(started.body.at("state"), "running");
    const auto wave1 = in_wave(started.body, 1);
    const auto wave2 = in_wave(started.body, 2);
    ASSERT_EQ(wave1.size(), 1U);
    ASSERT_EQ(wave2.size(), 4U);
    ASSERT_EQ(in_wave(started.body, 3).size(), 15U);

    const json ended = run_to_end(id, {wave2[1], wave2[3]});
    EXPECT_EQ(ended.at("state"), "rolled_back") << ended.dump(2);
    EXPECT_EQ(ended.at("current_wave"), 2);
    EXPECT_TRUE(ended.at("error").is_string());
    EXPECT_EQ(ended.at("progress").at("rolled_back"), 5) << ended.dump(2);
    EXPECT_EQ(ended.at("progress").at("skipped"), 15) << ended.dump(2);

    std::set<std::string> changed(wave1.begin(), wave1.end());
    changed.insert(wave2.begin(), wave2.end());
    for (const auto& r : ended.at("regions")) {
        const std::string region_id = r.at("region_id");
        const auto now = region(region_id);
        if (changed.contains(region_id)) {
            EXPECT_EQ(r.at("state"), "rolled_back") << r.dump();
            // History is never rewritten: the upgrade, then the rollback as a new version.
            EXPECT_THAT(
                history(region_id),
                ::testing::ElementsAre("1.0.0 create", "1.1.0 upgrade-template", "1.2.0 rollback"));
            EXPECT_EQ(now.at("version"), "1.2.0");
        } else {
            EXPECT_EQ(r.at("state"), "skipped") << r.dump();
            EXPECT_THAT(history(region_id), ::testing::ElementsAre("1.0.0 create"));
            EXPECT_EQ(now.at("version"), "1.0.0");
        }
        EXPECT_EQ(now.at("template_version"), "1.0.0");
        EXPECT_EQ(now.at("environment").at("water_height"), 20);
    }
    // The failed regions say why.
    for (const auto& r : ended.at("regions")) {
        if (r.at("region_id") == wave2[1]) {
            EXPECT_THAT(r.at("error").get<std::string>(),
                        ::testing::HasSubstr("did not come back healthy"));
        }
    }
    // Audited: the rollout's start and its rollback.
    auto audit = admin_->get("/api/v1/audit?entity_type=rollout");
    ASSERT_EQ(audit.status, 200) << audit.raw;
    std::set<std::string> actions;
    for (const auto& entry : audit.body.at("items")) {
        actions.insert(entry.at("action"));
    }
    EXPECT_TRUE(actions.contains("rollout.create")) << audit.raw;
    EXPECT_TRUE(actions.contains("rollout.rollback")) << audit.raw;
}

TEST_F(RolloutApi, ACleanRolloutUpgradesEveryRegionAndBumpsItsVersion) {
    auto started = start_rollout({{"to_version", "1.0.1"},
                                  {"waves", {1, 5, "100%"}},
                                  {"failure_threshold", 2},
                                  {"canaries", {"Sand 07"}}});
    ASSERT_EQ(started.status, 201) << started.raw;
    const std::string id = started.body.at("id");
    ASSERT_EQ(in_wave(started.body, 1), std::vector<std::string>{regions_[6]});

    const json ended = run_to_end(id, {});
    EXPECT_EQ(ended.at("state"), "succeeded") << ended.dump(2);
    EXPECT_EQ(ended.at("progress").at("upgraded"), kRegions);
    ASSERT_EQ(ended.at("progress").at("waves").size(), 3U);
    for (const auto& wave : ended.at("progress").at("waves")) {
        EXPECT_EQ(wave.at("state"), "done") << wave.dump();
    }
    for (const auto& region_id : regions_) {
        const auto now = region(region_id);
        // A template version within the same major is a minor bump of the region.
        EXPECT_EQ(now.at("version"), "1.1.0");
        EXPECT_EQ(now.at("template_version"), "1.0.1");
        EXPECT_EQ(now.at("environment").at("water_height"), 35);
        EXPECT_THAT(history(region_id),
                    ::testing::ElementsAre("1.0.0 create", "1.1.0 upgrade-template"));
    }
    auto listed = admin_->get("/api/v1/templates/" + template_id_ + "/rollouts");
    ASSERT_EQ(listed.status, 200) << listed.raw;
    ASSERT_EQ(listed.body.at("items").size(), 1U);
    EXPECT_EQ(listed.body.at("items").at(0).at("state"), "succeeded");
    EXPECT_EQ(admin_->get("/api/v1/rollouts").body.at("items").size(), 1U);
}

TEST_F(RolloutApi, AControlPlaneKilledMidWaveResumesAndFinishes) {
    auto started =
        start_rollout({{"to_version", "1.0.1"}, {"waves", {1, 5, "100%"}}, {"pause_between_s", 1}});
    ASSERT_EQ(started.status, 201) << started.raw;
    const std::string id = started.body.at("id");
    const auto wave2 = in_wave(started.body, 2);
    // Wave 1 confirmed; after the pause the engine starts wave 2, of which two are confirmed.
    ASSERT_EQ(serve({}), 1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (rollout(id).at("progress").at("upgrading") != 4 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(rollout(id).at("current_wave"), 2);
    ASSERT_EQ(serve({}, 2), 2);
    ASSERT_EQ(rollout(id).at("progress").at("upgraded"), 3);

    control_.reset();  // killed
    start();
    EXPECT_EQ(rollout(id).at("state"), "running");
    const json ended = run_to_end(id, {});
    EXPECT_EQ(ended.at("state"), "succeeded") << ended.dump(2);
    EXPECT_EQ(ended.at("progress").at("upgraded"), kRegions);
    for (const auto& region_id : regions_) {
        EXPECT_EQ(region(region_id).at("version"), "1.1.0");
    }
}

TEST_F(RolloutApi, ADryRunShowsEachRegionsChangesAndWritesNothing) {
    auto plan =
        start_rollout({{"to_version", "1.0.1"}, {"waves", {"10%", "100%"}}, {"dry_run", true}});
    ASSERT_EQ(plan.status, 200) << plan.raw;
    EXPECT_EQ(plan.body.at("dry_run"), true);
    EXPECT_EQ(plan.body.at("state"), "planned");
    ASSERT_EQ(plan.body.at("regions").size(), static_cast<std::size_t>(kRegions));
    const auto& first = plan.body.at("regions").at(0);
    EXPECT_EQ(first.at("wave"), 1);
    EXPECT_EQ(plan.body.at("regions").at(2).at("wave"), 2);  // 10% of 20: two regions
    EXPECT_EQ(first.at("from_version"), "1.0.0");
    EXPECT_EQ(first.at("to_version"), "1.1.0");
    EXPECT_EQ(first.at("bump"), "minor");
    EXPECT_EQ(first.at("delivery"), "eager");
    EXPECT_EQ(first.at("restart_needed"), false);
    std::set<std::string> fields;
    for (const auto& field : first.at("fields")) {
        fields.insert(field.at("field"));
        if (field.at("field") == "environment.water_height") {
            EXPECT_EQ(field.at("from"), 20);
            EXPECT_EQ(field.at("to"), 35);
            EXPECT_EQ(field.at("bump"), "patch");
            EXPECT_EQ(field.at("application"), "live");
        }
    }
    EXPECT_TRUE(fields.contains("environment.water_height")) << first.dump();
    EXPECT_TRUE(fields.contains("template_version")) << first.dump();
    EXPECT_EQ(admin_->get("/api/v1/rollouts").body.at("items").size(), 0U);
    EXPECT_EQ(region(regions_[0]).at("version"), "1.0.0");
}

TEST_F(RolloutApi, BadRequestsAreRefusedNamingTheField) {
    expect_field_error(start_rollout({{"waves", {1}}}), 400, "to_version");
    expect_field_error(start_rollout({{"to_version", "1.0.1"}, {"waves", {1, "200%"}}}), 400,
                       "waves[1]");
    expect_field_error(start_rollout({{"to_version", "1.0.1"}, {"failure_threshold", 0}}), 400,
                       "failure_threshold");
    expect_field_error(start_rollout({{"to_version", "1.0.1"}, {"canaries", {"Nowhere"}}}), 400,
                       "canaries");
    expect_field_error(start_rollout({{"to_version", "9.9.9"}}), 422, "to_version");
    expect_field_error(
        start_rollout({{"to_version", "1.0.1"}, {"regions", {{"name_prefix", "Zz"}}}}), 409,
        "regions");
    EXPECT_EQ(admin_
                  ->post("/api/v1/templates/00000000-0000-4000-8000-000000000000/rollouts",
                         {{"to_version", "1.0.1"}})
                  .status,
              404);
    EXPECT_EQ(admin_->get("/api/v1/rollouts/00000000-0000-4000-8000-000000000000").status, 404);
}

TEST_F(RolloutApi, PauseHoldsTheNextRegionsResumeGoesOnCancelSkipsTheRest) {
    auto started = start_rollout({{"to_version", "1.0.1"}, {"waves", {1, "100%"}}});
    ASSERT_EQ(started.status, 201) << started.raw;
    const std::string id = started.body.at("id");
    auto paused = admin_->post("/api/v1/rollouts/" + id + "/pause", json::object());
    ASSERT_EQ(paused.status, 200) << paused.raw;
    EXPECT_EQ(paused.body.at("state"), "paused");
    expect_field_error(admin_->post("/api/v1/rollouts/" + id + "/pause", json::object()), 409,
                       "state");
    auto second = start_rollout({{"to_version", "1.0.1"}});
    EXPECT_EQ(second.status, 409) << second.raw;
    EXPECT_EQ(second.body.at("error").at("code"), "rollout_active") << second.raw;
    // The canary's confirmation is recorded, but no new region starts while paused.
    ASSERT_EQ(serve({}), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // an engine round or more
    auto held = rollout(id);
    EXPECT_EQ(held.at("progress").at("upgraded"), 1);
    EXPECT_EQ(held.at("progress").at("waiting"), kRegions - 1);

    auto resumed = admin_->post("/api/v1/rollouts/" + id + "/resume", json::object());
    ASSERT_EQ(resumed.status, 200) << resumed.raw;
    EXPECT_EQ(resumed.body.at("state"), "running");
    EXPECT_EQ(resumed.body.at("progress").at("upgrading"), kRegions - 1);

    auto cancelled = admin_->post("/api/v1/rollouts/" + id + "/cancel", json::object());
    ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
    EXPECT_EQ(cancelled.body.at("state"), "cancelled");
    expect_field_error(admin_->post("/api/v1/rollouts/" + id + "/resume", json::object()), 409,
                       "state");
    // Only one rollout of a template runs at a time; after the cancel a new one may start. Every
    // region is at the template's 1.0.1 already: nothing to change, so it succeeds at once.
    auto again = start_rollout({{"to_version", "1.0.1"}});
    ASSERT_EQ(again.status, 201) << again.raw;
    EXPECT_EQ(again.body.at("state"), "succeeded") << again.raw;
    EXPECT_EQ(again.body.at("progress").at("upgraded"), kRegions);
}

TEST_F(RolloutApi, ListsArePagedNewestFirstWithACursor) {
    std::vector<std::string> ids;  // oldest first
    for (int i = 0; i < 3; ++i) {
        auto started = start_rollout({{"to_version", "1.0.1"}, {"waves", {1, "100%"}}});
        ASSERT_EQ(started.status, 201) << started.raw;
        ids.push_back(started.body.at("id"));
        if (started.body.at("state") == "succeeded") {
            continue;  // nothing left to change: ended at once
        }
        auto cancelled = admin_->post("/api/v1/rollouts/" + ids.back() + "/cancel", json::object());
        ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
    }
    for (const std::string& base : std::vector<std::string>{
             "/api/v1/rollouts", "/api/v1/templates/" + template_id_ + "/rollouts"}) {
        auto first = admin_->get(base + "?limit=2");
        ASSERT_EQ(first.status, 200) << first.raw;
        ASSERT_EQ(first.body.at("items").size(), 2U) << first.raw;
        EXPECT_EQ(first.body.at("items").at(0).at("id"), ids[2]);
        EXPECT_EQ(first.body.at("items").at(1).at("id"), ids[1]);
        ASSERT_TRUE(first.body.at("next").is_string()) << first.raw;
        auto second =
            admin_->get(base + "?limit=2&after=" + first.body.at("next").get<std::string>());
        ASSERT_EQ(second.status, 200) << second.raw;
        ASSERT_EQ(second.body.at("items").size(), 1U) << second.raw;
        EXPECT_EQ(second.body.at("items").at(0).at("id"), ids[0]);
        EXPECT_TRUE(second.body.at("next").is_null()) << second.raw;
        expect_field_error(admin_->get(base + "?after=bm90LWEtY3Vyc29y"), 400, "after");
        expect_field_error(admin_->get(base + "?limit=0"), 400, "limit");
    }
}

}  // namespace
}  // namespace rollout_api_test
