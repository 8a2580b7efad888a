// Region migration with content end to end (issue 13): one control plane, two simulator hosts
// (each a vergegrid-bridge supervising its OpenSim emulator). Content is set on the source's
// emulator behind VergeGrid's back, the way a user changes a region in-world; each test then
// reads back what the target's emulator holds, and what the source still runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace bridge_migration_test {
namespace {

using nlohmann::json;
using vergegrid::test::BridgeStack;
using vergegrid::test::eventually;
using vergegrid::test::SimulatorHost;
using namespace std::chrono_literals;

bool ended_state(const std::string& state) {
    return state == "succeeded" || state == "failed" || state == "cancelled";
}

// The most intervals [start, end) open at once. Timestamps are the control plane's ISO-8601
// strings (one format: they sort as text). A move that ends and the next that starts in the same
// transaction share a timestamp: ends count first.
int most_at_once(const std::vector<std::pair<std::string, std::string>>& intervals) {
    std::vector<std::pair<std::string, int>> events;
    for (const auto& [start, end] : intervals) {
        events.emplace_back(start, +1);
        events.emplace_back(end, -1);
    }
    std::sort(events.begin(), events.end());
    int open = 0, most = 0;
    for (const auto& event : events) {
        open += event.second;
        most = std::max(most, open);
    }
    return most;
}

class BridgeMigrations : public ::testing::Test {
  protected:
    // A simulator whose heartbeats stop is offline after 3 s (evacuation); the bridges beat
    // every 300 ms, so a busy machine does not take a live one offline.
    BridgeMigrations() : stack_(control_env()) {}

    // Placement hands a move's target a port of its range, and the bridge refuses a port anything
    // on the machine holds: both simulators, and every other test running beside this one, share
    // the host's UDP ports. The range is a run nothing holds, not OpenSim's usual 9000 and up.
    static std::map<std::string, std::string> control_env() {
        constexpr int kPlacementPorts = 40;
        const int low = vergegrid::test::unclaimed_udp_ports(kPlacementPorts);
        return {{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", "3"},
                {"VERGEGRID_PLACEMENT_PORT_MIN", std::to_string(low)},
                {"VERGEGRID_PLACEMENT_PORT_MAX", std::to_string(low + kPlacementPorts - 1)}};
    }

    void SetUp() override {
        // OpenSim answers admin_save_oar after >= 5 s whatever the archive; the bridge does not
        // wait for that answer, but a short one keeps a drain's ten saves quick on any bridge.
        a_.set_emulator_args("--save-oar-delay-ms 500");
        b_.set_emulator_args("--save-oar-delay-ms 500");
        a_.start();
        b_.start();
        ASSERT_TRUE(eventually([&] { return simulator_state(a_) == "online"; }));
        ASSERT_TRUE(eventually([&] { return simulator_state(b_) == "online"; }));
    }

    std::string simulator_state(const SimulatorHost& host) {
        return stack_.admin()
            .get("/api/v1/simulators/" + host.simulator_id())
            .body.value("state", "");
    }

    // A region on `host` that keeps everything it holds in a snapshot (region_state_mode full),
    // once its create operation succeeded (the create applies the region's settings last: content
    // set before that would be cleared).
    json create(SimulatorHost& host, const std::string& name, int x, int port) {
        auto region = stack_.admin().post(
            "/api/v1/regions",
            {{"name", name},
             {"estate_id", stack_.estate_id()},
             {"loc_x", x},
             {"loc_y", 1000},
             {"port", port},
             {"host", "127.0.0.1"},
             {"region_state_mode", "full"},
             {"placement", {{"simulator_id", host.simulator_id()}, {"force", true}}}});
        EXPECT_EQ(region.status, 201) << region.raw;
        const auto op = stack_.finished_operation(region.body.at("id"), 60s);
        EXPECT_TRUE(op && op->at("state") == "succeeded") << host.bridge().output();
        return region.body;
    }

    static json region_state(const SimulatorHost& host, const std::string& region) {
        const auto answer = host.emulator_call("GET", "/regions/" + region + "/state");
        return answer.status == 200 ? json::parse(answer.body) : json(nullptr);
    }

    static void post(const SimulatorHost& host, const std::string& path, const json& body) {
        const auto answer = host.emulator_call("POST", path, body);
        ASSERT_EQ(answer.status, 200) << path << ": " << answer.body;
    }

    // Terrain changed and three objects: a script state, a texture and a mesh (the asset parts
    // a warm move's first snapshot carries).
    static void furnish(const SimulatorHost& host, const std::string& region) {
        post(host, "/regions/" + region + "/terrain", {{"fill", 42.5}, {"points", {{3, 4, 61.0}}}});
        post(host, "/regions/" + region + "/objects",
             {{"name", "Box"}, {"position", {10, 20, 30}}, {"texture", true}});
        post(host, "/regions/" + region + "/objects",
             {{"name", "Statue"}, {"position", {100, 120, 25}}, {"mesh", true}});
        post(host, "/regions/" + region + "/objects",
             {{"name", "Door"}, {"script_state", "<Running>True</Running>"}});
    }

    // What must arrive: the terrain and the objects (ids, names, positions, inventories).
    static json content(const json& state) {
        if (state.is_null()) {
            return nullptr;
        }
        auto objects = state.at("objects");
        std::sort(objects.begin(), objects.end(),
                  [](const json& a, const json& b) { return a.at("id") < b.at("id"); });
        return {{"terrain", state.at("terrain").at("sha256")}, {"objects", objects}};
    }

    json move(const std::string& region_id, const json& body) {
        const auto answer = stack_.admin().post("/api/v1/regions/" + region_id + "/move", body);
        EXPECT_EQ(answer.status, 202) << answer.raw;
        return answer.status == 202 ? answer.body.at("migration") : json(nullptr);
    }

    json migration(const std::string& id) {
        return stack_.admin().get("/api/v1/migrations/" + id).body;
    }

    // The move once it ended (its last reading when it never did).
    json ended(const std::string& id, std::chrono::milliseconds timeout = 120s) {
        json seen;
        eventually(
            [&] {
                seen = migration(id);
                return seen.is_object() && ended_state(seen.value("state", ""));
            },
            timeout);
        return seen;
    }

    json batch(const std::string& id) {
        return stack_.admin().get("/api/v1/migration-batches/" + id).body;
    }

    json region(const std::string& id) { return stack_.admin().get("/api/v1/regions/" + id).body; }

    std::string placed_on(const std::string& region_id) {
        const auto record = region(region_id);
        const auto& simulator = record.at("placement").at("simulator_id");
        return simulator.is_string() ? simulator.get<std::string>() : "";
    }

    // The region's newest operation of `kind` (null when it has none).
    json newest_operation(const std::string& region_id, const std::string& kind) {
        const auto ops = stack_.admin().get("/api/v1/operations?region_id=" + region_id).body;
        for (const auto& op : ops.at("items")) {
            if (op.at("kind") == kind) {
                return op;
            }
        }
        return nullptr;
    }

    std::string output() {
        return "\n--- bridge A\n" + a_.bridge().output() + "\n--- bridge B\n" +
               b_.bridge().output();
    }

    const std::vector<std::string> kColdPlan{"check_agents", "snapshot_final", "create_target",
                                             "load_final",   "switch_over",    "teardown_source"};

    BridgeStack stack_;
    SimulatorHost& a_ = stack_.host();
    SimulatorHost& b_ = stack_.add_host();
};

TEST_F(BridgeMigrations, AColdMoveCarriesTerrainAndObjectsToTheOtherSimulator) {
    const int port = vergegrid::test::unclaimed_udp_ports(1);
    const auto created = create(a_, "Alpha", 1000, port);
    const std::string id = created.at("id");
    furnish(a_, "Alpha");
    const auto before = content(region_state(a_, "Alpha"));
    ASSERT_EQ(before.at("objects").size(), 3U);

    const auto started = move(id, {{"simulator_id", b_.simulator_id()}});
    ASSERT_TRUE(started.is_object());
    EXPECT_EQ(started.at("plan"), json(kColdPlan));
    EXPECT_EQ(started.at("target_simulator_id"), b_.simulator_id());
    const auto moved = ended(started.at("id"));
    ASSERT_EQ(moved.at("state"), "succeeded") << moved.dump(2) << output();
    EXPECT_TRUE(moved.at("downtime_ms").is_number_integer()) << moved.dump(2);
    EXPECT_GE(moved.at("downtime_ms").get<long>(), 0);
    EXPECT_TRUE(moved.at("first_snapshot").is_null());
    EXPECT_TRUE(moved.at("final_snapshot").is_object());

    const auto record = region(id);
    EXPECT_EQ(placed_on(id), b_.simulator_id());
    EXPECT_EQ(record.at("host"), moved.at("target_host"));
    EXPECT_EQ(record.at("port"), moved.at("target_port"));
    EXPECT_TRUE(eventually([&] { return b_.region_healthy("Alpha"); })) << output();
    EXPECT_EQ(content(region_state(b_, "Alpha")), before);
    // Torn down on A: the region never runs on two simulators after the switch.
    EXPECT_TRUE(eventually([&] { return !a_.emulator_region("Alpha").has_value(); })) << output();
}

TEST_F(BridgeMigrations, AWarmMoveTakesAFirstSnapshotWithAssetsAndAShortFinalOne) {
    const int port = vergegrid::test::unclaimed_udp_ports(1);
    const std::string id = create(a_, "Alpha", 1000, port).at("id");
    furnish(a_, "Alpha");
    const auto before = content(region_state(a_, "Alpha"));

    const auto started = move(id, {{"simulator_id", b_.simulator_id()}, {"warm", true}});
    ASSERT_TRUE(started.is_object());
    EXPECT_EQ(started.at("plan"),
              json({"check_agents", "snapshot_first", "create_target", "load_first",
                    "snapshot_final", "load_final", "switch_over", "teardown_source"}));
    const auto moved = ended(started.at("id"));
    ASSERT_EQ(moved.at("state"), "succeeded") << moved.dump(2) << output();
    EXPECT_TRUE(moved.at("downtime_ms").is_number_integer()) << moved.dump(2);
    const auto& first = moved.at("first_snapshot");
    const auto& final_one = moved.at("final_snapshot");
    ASSERT_TRUE(first.is_object() && final_one.is_object()) << moved.dump(2);
    EXPECT_TRUE(first.at("ms").is_number() && final_one.at("ms").is_number()) << moved.dump(2);
    // The final snapshot leaves the asset parts out (the first one carried them): it is smaller.
    EXPECT_LT(final_one.at("size_bytes").get<long>(), first.at("size_bytes").get<long>());
    const auto first_parts = stack_.admin()
                                 .get("/api/v1/snapshots/" + first.at("id").get<std::string>())
                                 .body.at("parts");
    const auto final_parts = stack_.admin()
                                 .get("/api/v1/snapshots/" + final_one.at("id").get<std::string>())
                                 .body.at("parts");
    EXPECT_THAT(first_parts, ::testing::Contains("texture_refs"));
    EXPECT_THAT(final_parts, ::testing::Not(::testing::Contains("texture_refs")));
    EXPECT_THAT(final_parts, ::testing::Not(::testing::Contains("mesh")));
    EXPECT_THAT(final_parts, ::testing::Contains("prims"));

    EXPECT_EQ(placed_on(id), b_.simulator_id());
    EXPECT_TRUE(eventually([&] { return b_.region_healthy("Alpha"); })) << output();
    const auto arrived = region_state(b_, "Alpha");
    EXPECT_EQ(content(arrived), before);
    // The assets came with the first load and stayed through the final one (skip-assets).
    std::set<std::string> assets;
    for (const auto& asset : arrived.at("assets")) {
        assets.insert(asset.at("id").get<std::string>());
    }
    for (const auto& object : before.at("objects")) {
        for (const auto& item : object.at("items")) {
            EXPECT_TRUE(assets.count(item.at("asset_id").get<std::string>())) << item.dump();
        }
    }
    EXPECT_TRUE(eventually([&] { return !a_.emulator_region("Alpha").has_value(); })) << output();
}

TEST_F(BridgeMigrations, ATargetThatCannotLoadRollsBackWithTheSourceStillServing) {
    const int port = vergegrid::test::unclaimed_udp_ports(2);
    const std::string id = create(a_, "Alpha", 1000, port).at("id");
    furnish(a_, "Alpha");
    const auto before = content(region_state(a_, "Alpha"));
    // B runs a region already: the first region of an empty simulator restarts it (OpenSim
    // traps 5 and 11), and a restart would clear the fault.
    create(b_, "Beta", 1001, port + 1);
    b_.emulator_fault({{"fail_next_load_oar", "the disk said no"}});

    const auto started = move(id, {{"simulator_id", b_.simulator_id()}});
    ASSERT_TRUE(started.is_object());
    const auto moved = ended(started.at("id"));
    ASSERT_EQ(moved.at("state"), "failed") << moved.dump(2) << output();
    const std::string error = moved.at("error");
    EXPECT_THAT(error, ::testing::HasSubstr("load_final"));
    EXPECT_THAT(error, ::testing::HasSubstr("the disk said no"));
    EXPECT_TRUE(moved.at("downtime_ms").is_null());

    // The record never left A; A still serves the region with its content; nothing stays on B.
    EXPECT_EQ(placed_on(id), a_.simulator_id());
    EXPECT_TRUE(a_.region_healthy("Alpha"));
    EXPECT_EQ(content(region_state(a_, "Alpha")), before);
    EXPECT_TRUE(eventually([&] { return !b_.emulator_region("Alpha").has_value(); })) << output();
    EXPECT_FALSE(std::filesystem::exists(b_.stub_of(id)));
    // The move is over: the region takes changes again.
    const auto renamed = stack_.admin().patch("/api/v1/regions/" + id, {{"name", "Alpha"}});
    EXPECT_NE(renamed.status, 409) << renamed.raw;
}

TEST_F(BridgeMigrations, ADrainOfTenRegionsRunsAtMostTwoMovesAndEndsWithEveryRegionElsewhere) {
    const int ports = vergegrid::test::unclaimed_udp_ports(10);
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) {
        ids.push_back(create(a_, "Drain" + std::to_string(i), 1000 + i, ports + i).at("id"));
        post(a_, "/regions/Drain" + std::to_string(i) + "/terrain", {{"fill", 30.0 + i}});
    }

    const auto answer = stack_.admin().post("/api/v1/simulators/" + a_.simulator_id() + "/drain",
                                            {{"execute", true}, {"max_parallel", 2}});
    ASSERT_EQ(answer.status, 202) << answer.raw;
    const std::string batch_id = answer.body.at("batch").at("id");
    EXPECT_EQ(answer.body.at("batch").at("progress").at("total"), 10);
    int most_running = 0;
    json seen;
    ASSERT_TRUE(eventually(
        [&] {
            seen = batch(batch_id);
            most_running = std::max(most_running, seen.at("progress").at("running").get<int>());
            return seen.at("state") != "running";
        },
        600s))
        << seen.dump(2) << output();
    EXPECT_EQ(seen.at("state"), "finished") << seen.dump(2);
    EXPECT_LE(most_running, 2);
    EXPECT_EQ(seen.at("progress").at("done"), 10) << seen.dump(2) << output();

    // From the moves' own steps: never more than two at once (and two did run together).
    std::vector<std::pair<std::string, std::string>> moves;
    for (const auto& migration : seen.at("migrations")) {
        ASSERT_EQ(migration.at("state"), "succeeded") << migration.dump(2);
        const auto& steps = migration.at("steps");
        moves.emplace_back(steps.front().at("started_at"), steps.back().at("finished_at"));
    }
    EXPECT_EQ(most_at_once(moves), 2);
    // And the saves on A: each snapshot operation from queued to its result.
    std::vector<std::pair<std::string, std::string>> saves;
    for (const auto& id : ids) {
        const auto ops = stack_.admin().get("/api/v1/operations?region_id=" + id).body;
        for (const auto& op : ops.at("items")) {
            if (op.at("kind") == "snapshot") {
                EXPECT_EQ(op.at("simulator_id"), a_.simulator_id());
                saves.emplace_back(op.at("created_at"), op.at("updated_at"));
            }
        }
    }
    EXPECT_EQ(saves.size(), 10U);
    EXPECT_LE(most_at_once(saves), 2);

    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(placed_on(ids[i]), b_.simulator_id()) << i;
        const auto name = "Drain" + std::to_string(i);
        EXPECT_TRUE(b_.region_healthy(name)) << name;
        const auto state = region_state(b_, name);
        ASSERT_FALSE(state.is_null()) << name;
        EXPECT_DOUBLE_EQ(state.at("terrain").at("mean").get<double>(), 30.0 + i) << name;
    }
    EXPECT_TRUE(eventually([&] { return a_.emulator_state().at("regions").empty(); })) << output();
}

TEST_F(BridgeMigrations, ACancelledDrainStopsBetweenRegions) {
    const int ports = vergegrid::test::unclaimed_udp_ports(5);
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(create(a_, "Drain" + std::to_string(i), 1000 + i, ports + i).at("id"));
    }
    const auto answer = stack_.admin().post("/api/v1/simulators/" + a_.simulator_id() + "/drain",
                                            {{"execute", true}, {"max_parallel", 2}});
    ASSERT_EQ(answer.status, 202) << answer.raw;
    const std::string batch_id = answer.body.at("batch").at("id");

    const auto cancelled =
        stack_.admin().post("/api/v1/migration-batches/" + batch_id + "/cancel", json::object());
    ASSERT_TRUE(cancelled.status == 200 || cancelled.status == 202) << cancelled.raw;
    std::set<std::string> running_at_cancel, queued_at_cancel;
    for (const auto& migration : cancelled.body.at("migrations")) {
        const std::string state = migration.at("state");
        (state == "cancelled" ? queued_at_cancel : running_at_cancel)
            .insert(migration.at("id").get<std::string>());
        EXPECT_NE(state, "queued") << "a queued move outlived the cancel: " << migration.dump(2);
    }
    EXPECT_FALSE(queued_at_cancel.empty()) << cancelled.body.dump(2);

    json seen;
    ASSERT_TRUE(eventually(
        [&] {
            seen = batch(batch_id);
            return seen.at("progress").at("running").get<int>() == 0;
        },
        300s))
        << seen.dump(2) << output();
    EXPECT_EQ(seen.at("state"), "cancelled");
    for (const auto& migration : seen.at("migrations")) {
        const std::string id = migration.at("id");
        const std::string region_id = migration.at("region_id");
        if (queued_at_cancel.count(id)) {
            // Never started: no step ran, the region still on A, serving.
            EXPECT_EQ(migration.at("state"), "cancelled") << migration.dump(2);
            EXPECT_TRUE(migration.at("steps").empty()) << migration.dump(2);
            EXPECT_EQ(placed_on(region_id), a_.simulator_id());
            EXPECT_TRUE(a_.region_healthy(migration.at("region_name")));
        } else {
            // Running when cancelled: it ended on its own.
            EXPECT_EQ(migration.at("state"), "succeeded") << migration.dump(2) << output();
            EXPECT_EQ(placed_on(region_id), b_.simulator_id());
        }
    }
    // Nothing new starts after the cancel.
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(batch(batch_id).at("progress").at("running"), 0);
}

TEST_F(BridgeMigrations, AnOfflineSimulatorIsEvacuatedFromTheLatestSnapshots) {
    const int ports = vergegrid::test::unclaimed_udp_ports(2);
    const std::string saved_id = create(a_, "Saved", 1000, ports).at("id");
    const std::string bare_id = create(a_, "Bare", 1001, ports + 1).at("id");
    furnish(a_, "Saved");
    const auto saved = content(region_state(a_, "Saved"));
    const auto taken =
        stack_.admin().post("/api/v1/regions/" + saved_id + "/snapshots", json::object());
    ASSERT_EQ(taken.status, 202) << taken.raw;
    json snapshot;
    ASSERT_TRUE(eventually(
        [&] {
            snapshot = stack_.admin()
                           .get("/api/v1/snapshots/" + taken.body.at("id").get<std::string>())
                           .body;
            return snapshot.value("state", "") == "complete";
        },
        90s))
        << snapshot.dump(2) << output();
    // Changed after the snapshot: lost with the simulator (the loss window).
    post(a_, "/regions/Saved/terrain", {{"fill", 5.0}});

    a_.kill();
    ASSERT_TRUE(eventually([&] { return simulator_state(a_) == "offline"; }, 60s));
    const auto answer = stack_.admin().post("/api/v1/simulators/" + a_.simulator_id() + "/evacuate",
                                            json::object());
    ASSERT_EQ(answer.status, 202) << answer.raw;
    const std::string batch_id = answer.body.at("batch").at("id");
    EXPECT_EQ(answer.body.at("batch").at("progress").at("total"), 2);

    // Both switch to B (the teardown on A waits for A: it must never serve them again).
    ASSERT_TRUE(eventually(
        [&] {
            return placed_on(saved_id) == b_.simulator_id() &&
                   placed_on(bare_id) == b_.simulator_id();
        },
        120s))
        << batch(batch_id).dump(2) << output();
    EXPECT_TRUE(
        eventually([&] { return b_.region_healthy("Saved") && b_.region_healthy("Bare"); }));
    EXPECT_EQ(content(region_state(b_, "Saved")), saved);
    EXPECT_EQ(region_state(b_, "Bare").at("object_count"), 0);

    const auto evacuation = batch(batch_id);
    for (const auto& migration : evacuation.at("migrations")) {
        if (migration.at("region_id") == saved_id) {
            EXPECT_EQ(migration.at("plan"),
                      json({"create_target", "load_latest", "switch_over", "teardown_source"}));
            ASSERT_TRUE(migration.at("loss_window_s").is_number()) << migration.dump(2);
            EXPECT_GE(migration.at("loss_window_s").get<double>(), 0.0);
        } else {
            EXPECT_EQ(migration.at("plan"),
                      json({"create_target", "switch_over", "teardown_source"}));
            EXPECT_TRUE(migration.at("loss_window_s").is_null()) << migration.dump(2);
        }
    }

    // A comes back: the teardowns run there and the moves end.
    a_.start();
    json seen;
    EXPECT_TRUE(eventually(
        [&] {
            seen = batch(batch_id);
            return seen.at("progress").at("done") == 2;
        },
        120s))
        << seen.dump(2) << output();
    EXPECT_TRUE(eventually(
        [&] {
            return a_.emulator_state().is_object() && a_.emulator_state().at("regions").empty();
        },
        60s))
        << output();
}

TEST_F(BridgeMigrations, WhenEmptyWaitsForTheLastAvatarToLeave) {
    const int port = vergegrid::test::unclaimed_udp_ports(1);
    const std::string id = create(a_, "Alpha", 1000, port).at("id");
    post(a_, "/regions/Alpha/agents",
         {{"agents", {{{"name", "Ava Tar"}, {"id", "11111111-2222-3333-4444-555555555555"}}}}});

    const auto started =
        move(id, {{"simulator_id", b_.simulator_id()}, {"when_empty", true}, {"deadline_s", 120}});
    ASSERT_TRUE(started.is_object());
    const std::string migration_id = started.at("id");
    // The agents operation reached the bridge and is asking again every second.
    ASSERT_TRUE(eventually([&] {
        const auto op = newest_operation(id, "agents");
        return op.is_object() && op.at("state") == "delivered";
    })) << output();
    std::this_thread::sleep_for(2s);
    const auto waiting = migration(migration_id);
    EXPECT_EQ(waiting.at("state"), "running") << waiting.dump(2);
    EXPECT_EQ(waiting.at("step"), "check_agents") << waiting.dump(2);
    EXPECT_EQ(placed_on(id), a_.simulator_id());

    post(a_, "/regions/Alpha/agents", {{"agents", json::array()}});
    const auto moved = ended(migration_id);
    ASSERT_EQ(moved.at("state"), "succeeded") << moved.dump(2) << output();
    EXPECT_EQ(placed_on(id), b_.simulator_id());
    EXPECT_EQ(moved.at("steps").at(0).at("step"), "check_agents");
    const auto check = newest_operation(id, "agents");
    ASSERT_EQ(check.at("state"), "succeeded") << check.dump(2);
    // The result's fields (docs/bridge.md, the agents operation); "detail" is its text.
    const auto& detail = check.at("result");
    EXPECT_EQ(detail.at("agents"), 1) << check.dump(2);
    EXPECT_EQ(detail.at("warned"), false) << check.dump(2);
    EXPECT_GT(detail.at("waited_ms").get<long>(), 0) << check.dump(2);
}

TEST_F(BridgeMigrations, AvatarsAreWarnedWhenTheMoveDoesNotWait) {
    const int port = vergegrid::test::unclaimed_udp_ports(1);
    const std::string id = create(a_, "Alpha", 1000, port).at("id");
    post(a_, "/regions/Alpha/agents",
         {{"agents", {{{"name", "Ava Tar"}, {"id", "11111111-2222-3333-4444-555555555555"}}}}});
    const auto started =
        move(id, {{"simulator_id", b_.simulator_id()}, {"message", "Alpha moves now"}});
    ASSERT_TRUE(started.is_object());
    const auto moved = ended(started.at("id"));
    ASSERT_EQ(moved.at("state"), "succeeded") << moved.dump(2) << output();
    const auto check = newest_operation(id, "agents");
    EXPECT_EQ(check.at("result").at("warned"), true) << check.dump(2);
    const auto messages = json::parse(a_.emulator_call("GET", "/messages").body);
    EXPECT_THAT(messages.dump(), ::testing::HasSubstr("Alpha moves now"));
}

}  // namespace
}  // namespace bridge_migration_test
