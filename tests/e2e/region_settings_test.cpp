// Every simulator-facing field of docs/region-settings.md, changed through the REST API, reaches
// the running region: control plane + vergegrid-bridge + the OpenSim emulator the bridge
// supervises. Each value is read back from the emulator's region (GET /regions/<r>/state, its
// database stand-in) and compared with what the API shows, and the operation's result lists each
// field with its status (never a silent "succeeded").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace region_settings_test {
namespace {

using nlohmann::json;
using vergegrid::test::BridgeStack;
using namespace std::chrono_literals;

class RegionSettings : public ::testing::Test {
  protected:
    void SetUp() override { stack_.start_bridge(); }
    void TearDown() override {
        if (HasFailure()) {
            std::cerr << "bridge output:\n" << stack_.bridge().output() << "\n";
        }
    }

    // The region's runtime state in the emulator.
    json region_state(const std::string& name) {
        auto answer = stack_.emulator_call("GET", "/regions/" + name + "/state");
        EXPECT_EQ(answer.status, 200) << answer.body;
        return json::parse(answer.body);
    }

    // The newest finished operation of the region, which must have succeeded.
    json succeeded(const std::string& region_id, const std::string& kind) {
        auto op = stack_.finished_operation(region_id, 90s);
        EXPECT_TRUE(op.has_value()) << stack_.bridge().output();
        if (!op) {
            return json::object();
        }
        EXPECT_EQ(op->at("kind"), kind) << op->dump();
        EXPECT_EQ(op->at("state"), "succeeded") << op->dump() << stack_.bridge().output();
        return op->at("result");
    }

    static void expect_field(const json& result, const std::string& path, const std::string& status,
                             const json& value) {
        ASSERT_TRUE(result.contains("fields")) << result.dump();
        ASSERT_TRUE(result.at("fields").contains(path)) << path << " in " << result.dump();
        const auto& field = result.at("fields").at(path);
        EXPECT_EQ(field.at("status"), status) << path << ": " << field.dump();
        EXPECT_FALSE(field.at("mechanism").get<std::string>().empty()) << path;
        if (!value.is_null()) {
            EXPECT_EQ(field.at("value"), value) << path << ": " << field.dump();
        }
    }

    BridgeStack stack_;
};

TEST_F(RegionSettings, EveryFieldChangedThroughTheApiIsReadBackFromTheRunningRegion) {
    const int port = vergegrid::test::unclaimed_udp_ports(4);
    // Create: VergeGrid's defaults differ from OpenSim's in allow_terraform (false: OpenSim
    // lets owners terraform): the settings archive a fresh region gets sets it at once.
    const auto region = stack_.create_region("Alpha", 1000, port);
    const std::string id = region.at("id");
    auto created = succeeded(id, "create");
    expect_field(created, "permissions.allow_terraform", "applied", false);
    expect_field(created, "name", "applied", "Alpha");
    expect_field(created, "environment.sun_position", "unsupported", nullptr);
    EXPECT_EQ(region_state("Alpha").at("settings").at("BlockTerraform"), true);

    // Live fields: applied by RemoteAdmin and console lines, each read back.
    auto patched = stack_.admin().patch("/api/v1/regions/" + id,
                                        {{"environment", {{"water_height", 25.5}}},
                                         {"permissions", {{"public_access", false}}},
                                         {"flags", {{"max_agents", 33}, {"allow_voice", false}}}});
    ASSERT_EQ(patched.status, 200) << patched.raw;
    auto live = succeeded(id, "update");
    expect_field(live, "environment.water_height", "applied", 25.5);
    expect_field(live, "flags.max_agents", "applied", 33);
    expect_field(live, "permissions.public_access", "applied", false);
    expect_field(live, "flags.allow_voice", "applied", false);
    const auto shown = stack_.admin().get("/api/v1/regions/" + id).body;
    auto state = region_state("Alpha");
    EXPECT_EQ(state.at("settings").at("WaterHeight"), shown.at("environment").at("water_height"));
    EXPECT_EQ(state.at("settings").at("AgentLimit"), shown.at("flags").at("max_agents"));
    EXPECT_EQ(state.at("max_agents"), shown.at("flags").at("max_agents"))
        << "the ceiling is raised first, else OpenSim refuses the agent limit";
    EXPECT_EQ(state.at("voice"), shown.at("flags").at("allow_voice"));
    EXPECT_EQ(state.at("public"), shown.at("permissions").at("public_access"));

    // RegionSettings-only fields on a region that has content: a restart-class change, pending
    // until the region restarts; nothing changes in the running region meanwhile.
    ASSERT_EQ(stack_.emulator_call("POST", "/regions/Alpha/objects", {{"name", "Chair"}}).status,
              200);
    patched = stack_.admin().patch(
        "/api/v1/regions/" + id,
        {{"permissions", {{"allow_damage", true}}},
         {"terrain", {{"raise_limit", 50.0}, {"lower_limit", -20.0}}},
         {"flags", {{"allow_flying", false}, {"allow_scripts", false}, {"max_prims", 2222}}}});
    ASSERT_EQ(patched.status, 200) << patched.raw;
    auto pending = succeeded(id, "update");
    for (const auto* path :
         {"permissions.allow_damage", "terrain.raise_limit", "terrain.lower_limit",
          "flags.allow_flying", "flags.allow_scripts", "flags.max_prims"}) {
        expect_field(pending, path, "pending-restart", nullptr);
    }
    EXPECT_EQ(region_state("Alpha").at("settings").at("BlockFly"), false);

    // The restart applies them: the region is loaded again from its stub (MaxPrims) and its
    // settings go through the archive round trip, which brings its objects back.
    ASSERT_EQ(stack_.admin().post("/api/v1/regions/" + id + "/restart", json::object()).status,
              202);
    auto restarted = succeeded(id, "restart");
    expect_field(restarted, "permissions.allow_damage", "applied-on-restart", true);
    expect_field(restarted, "terrain.raise_limit", "applied-on-restart", 50.0);
    expect_field(restarted, "terrain.lower_limit", "applied-on-restart", -20.0);
    expect_field(restarted, "flags.allow_flying", "applied-on-restart", false);
    expect_field(restarted, "flags.allow_scripts", "applied-on-restart", false);
    expect_field(restarted, "flags.max_prims", "applied-on-restart", 2222);
    const auto now = stack_.admin().get("/api/v1/regions/" + id).body;
    state = region_state("Alpha");
    const auto& settings = state.at("settings");
    EXPECT_EQ(settings.at("AllowDamage"), now.at("permissions").at("allow_damage"));
    EXPECT_EQ(settings.at("TerrainRaiseLimit"), now.at("terrain").at("raise_limit"));
    EXPECT_EQ(settings.at("TerrainLowerLimit"), now.at("terrain").at("lower_limit"));
    EXPECT_EQ(!settings.at("BlockFly").get<bool>(), now.at("flags").at("allow_flying"));
    EXPECT_EQ(!settings.at("DisableScripts").get<bool>(), now.at("flags").at("allow_scripts"));
    EXPECT_EQ(settings.at("WaterHeight"), now.at("environment").at("water_height"))
        << "the round trip keeps what was applied live";
    EXPECT_EQ(state.at("object_count"), 1) << "the round trip brings the region's objects back";
    EXPECT_EQ(state.at("max_prims"), now.at("flags").at("max_prims"))
        << "loaded again from its stub";
    EXPECT_EQ(state.at("max_agents"), now.at("flags").at("max_agents"));
}

TEST_F(RegionSettings, APatchAskingForARestartAppliesOnRestartFieldsAtOnce) {
    const int port = vergegrid::test::unclaimed_udp_ports(4);
    const std::string id = stack_.create_region("Beta", 1002, port).at("id");
    succeeded(id, "create");
    ASSERT_EQ(stack_.emulator_call("POST", "/regions/Beta/objects", {{"name", "Lamp"}}).status,
              200);
    auto patched = stack_.admin().patch(
        "/api/v1/regions/" + id,
        {{"flags", {{"allow_flying", false}, {"max_prims", 3333}}}, {"restart", true}});
    ASSERT_EQ(patched.status, 200) << patched.raw;
    const auto result = succeeded(id, "update");
    expect_field(result, "flags.allow_flying", "applied-on-restart", false);
    expect_field(result, "flags.max_prims", "applied-on-restart", 3333);
    const auto shown = stack_.admin().get("/api/v1/regions/" + id).body;
    const auto state = region_state("Beta");
    EXPECT_EQ(!state.at("settings").at("BlockFly").get<bool>(),
              shown.at("flags").at("allow_flying"));
    EXPECT_EQ(state.at("max_prims"), shown.at("flags").at("max_prims"));
    EXPECT_EQ(state.at("object_count"), 1) << "the region's objects came back with it";
    EXPECT_EQ(state.at("region_file").is_null(), false) << "it runs from its stub now";
}

}  // namespace
}  // namespace region_settings_test
