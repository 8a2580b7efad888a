// vergegrid-control as a process on plugins built against the ABI 1.0 and 1.2 headers: a 1.2
// grid (storage without GridStore, auth, an indexed placement policy without
// accepts_labels) serves the API, places regions through the pre-1.3 footprint path and plans
// through the placement index; a 1.0 storage backend (no AccessStore) stops start-up naming why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ApiClient;
using vergegrid::test::ChildProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

// A plugin folder with the given old-ABI fixtures and an INI file that selects them. The sync
// scheduler is not configurable (always the built-in hybrid), so the 1.2 sync fixture is only
// called by old_plugins_test.cpp.
fs::path prepare(const TempDir& dir, const std::vector<std::string>& fixtures,
                 const std::string& ini) {
    const auto plugins = dir.path() / "plugins";
    fs::create_directories(plugins);
    for (const auto& file : fixtures) {
        fs::copy_file(fs::path(VERGEGRID_ABI_FIXTURE_DIR) / file, plugins / file);
    }
    fs::copy_file(fs::path(VERGEGRID_PLUGIN_DIR) / "vg-sync-hybrid.so",
                  plugins / "vg-sync-hybrid.so");
    const auto config = dir.path() / "control.ini";
    std::ofstream(config) << "listen = 127.0.0.1:0\n" << ini;
    return config;
}

std::vector<std::string> args(const TempDir& dir, const fs::path& config) {
    return {"--config",     config.string(),
            "--plugin-dir", (dir.path() / "plugins").string(),
            "--data-dir",   (dir.path() / "data").string()};
}

json find_plugin(const json& listing, const std::string& name) {
    for (const auto& item : listing.at("items")) {
        if (item.value("name", "") == name) {
            return item;
        }
    }
    return nullptr;
}

TEST(OldAbiControlPlane, RunsAGridOnPluginsOfAbi12) {
    TempDir dir;
    const auto config =
        prepare(dir,
                {"vg-abi10-placement.so", "vg-abi12-auth.so", "vg-abi12-placement.so",
                 "vg-abi12-storage.so", "vg-abi12-sync.so"},
                "[storage]\nbackend = abi12-memory\n[auth]\nprovider = abi12-plain\n"
                "[placement]\npolicy = abi12-free-slots\n");
    // No VERGEGRID_ADMIN_TOKEN: the first admin's token comes from the 1.2 auth provider.
    ChildProcess control(VERGEGRID_CONTROL_BINARY, args(dir, config));
    const auto port =
        control.wait_for_output(std::regex(R"(listening on http://[^:]+:(\d+))"), 20s);
    ASSERT_TRUE(port.has_value()) << control.output();
    std::string token;
    std::ifstream(dir.path() / "data" / "admin-token") >> token;
    ASSERT_THAT(token, HasSubstr("token-admin-"));
    const ApiClient admin(static_cast<std::uint16_t>(std::stoi(*port)), token);

    const auto listing = admin.get("/api/v1/plugins");
    ASSERT_EQ(listing.status, 200) << listing.raw;
    for (const char* name : {"abi12-memory", "abi12-plain", "abi12-creates-first",
                             "abi12-free-slots", "abi10-free-slots"}) {
        const auto plugin = find_plugin(listing.body, name);
        ASSERT_FALSE(plugin.is_null()) << name << listing.raw;
        EXPECT_EQ(plugin.at("status"), "loaded") << name;
    }
    EXPECT_EQ(find_plugin(listing.body, "abi12-memory").at("abi"), "1.2");
    EXPECT_EQ(find_plugin(listing.body, "abi10-free-slots").at("abi"), "1.0");

    const std::string estate =
        admin.post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}}).body.at("id");
    const auto port_number = static_cast<std::uint16_t>(std::stoi(*port));
    const auto big = vergegrid::test::register_simulator(admin, port_number, "big.example.org");
    auto region = [&](const std::string& name) {
        return json{{"name", name}, {"estate_id", estate}};
    };

    // Automatic placement reads every region's footprint: without GridStore the host pages
    // through list_regions, and the second region must see the first one's port.
    auto alpha = admin.post("/api/v1/regions", region("Alpha"));
    ASSERT_EQ(alpha.status, 201) << alpha.raw;
    EXPECT_EQ(alpha.body.at("placement").at("simulator_id"), big.first);
    auto beta = admin.post("/api/v1/regions", region("Beta"));
    ASSERT_EQ(beta.status, 201) << beta.raw;
    EXPECT_EQ(beta.body.at("host"), "big.example.org");
    EXPECT_NE(beta.body.at("port"), alpha.body.at("port"));
    EXPECT_FALSE(beta.body.at("loc_x") == alpha.body.at("loc_x") &&
                 beta.body.at("loc_y") == alpha.body.at("loc_y"));
    // Without GridRuleQueries (ABI 1.8) the grid rules ask their three questions one by one.
    auto same_name = admin.post("/api/v1/regions", region("ALPHA"));
    EXPECT_EQ(same_name.status, 409) << same_name.raw;
    EXPECT_EQ(same_name.body.at("error").value("code", ""), "name_taken") << same_name.raw;
    auto over_alpha = region("Over Alpha");
    over_alpha["loc_x"] = alpha.body.at("loc_x");
    over_alpha["loc_y"] = alpha.body.at("loc_y");
    auto overlapping = admin.post("/api/v1/regions", over_alpha);
    EXPECT_EQ(overlapping.status, 409) << overlapping.raw;
    EXPECT_EQ(overlapping.body.at("error").value("code", ""), "overlap") << overlapping.raw;

    // A batch plan goes through the placement index with the 1.2 policy: the index must not
    // call accepts_labels, which this policy's vtable does not have.
    auto plan = admin.post("/api/v1/placement/plan",
                           {{"regions", {region("P1"), region("P2"), region("P3")}}});
    ASSERT_EQ(plan.status, 200) << plan.raw;
    ASSERT_EQ(plan.body.at("placements").size(), 2U + 1U);
    EXPECT_EQ(plan.body.at("placements").at(0).at("placed"), true);
    EXPECT_EQ(plan.body.at("placements").at(1).at("placed"), true);
    EXPECT_EQ(plan.body.at("placements").at(2).at("placed"), false);  // capacity 4, 2 taken

    // The ABI 1.0 policy swapped in at runtime decides on the shorter structs it knows.
    auto swapped =
        admin.call("PUT", "/api/v1/placement/policy", json{{"policy", "abi10-free-slots"}}.dump());
    ASSERT_EQ(swapped.status, 200) << swapped.raw;
    auto gamma = admin.post("/api/v1/regions", region("Gamma"));
    ASSERT_EQ(gamma.status, 201) << gamma.raw;
    EXPECT_EQ(gamma.body.at("placement").at("simulator_id"), big.first);

    EXPECT_EQ(admin.get("/api/v1/regions").body.at("items").size(), 3U);
    EXPECT_EQ(ApiClient(port_number, "token-admin-999").get("/api/v1/regions").status, 401);

    // A 1.2 storage plugin keeps no SnapshotLedger (ABI 1.5): regions read the default state
    // policy, anything else and every snapshot request is refused naming why, and a persistent
    // region is deleted at once (there is nowhere to keep its final snapshot).
    const std::string alpha_id = alpha.body.at("id");
    EXPECT_EQ(admin.get("/api/v1/regions/" + alpha_id).body.at("lifecycle"), "persistent");
    auto premium =
        admin.call("PATCH", "/api/v1/regions/" + alpha_id, json{{"lifecycle", "premium"}}.dump());
    ASSERT_EQ(premium.status, 503) << premium.raw;
    EXPECT_EQ(premium.body.at("error").at("code"), "snapshots_unavailable");
    EXPECT_EQ(premium.body.at("error").at("field"), "lifecycle");
    auto snapshot = admin.post("/api/v1/regions/" + alpha_id + "/snapshots", json::object());
    ASSERT_EQ(snapshot.status, 503) << snapshot.raw;
    EXPECT_EQ(snapshot.body.at("error").at("code"), "snapshots_unavailable");
    EXPECT_EQ(admin.del("/api/v1/regions/" + alpha_id).status, 204);
    EXPECT_EQ(admin.get("/api/v1/regions/" + alpha_id).status, 404);
}

// The one story of an ABI 1.0 storage backend: it has no AccessStore, so the control plane
// cannot keep users and refuses to start (exit status 1) saying why.
TEST(OldAbiControlPlane, AStorageBackendOfAbi10StopsStartUpNamingWhy) {
    TempDir dir;
    const auto config =
        prepare(dir, {"vg-abi10-storage.so", "vg-abi12-auth.so"},
                "[storage]\nbackend = abi10-memory\n[auth]\nprovider = abi12-plain\n");
    ChildProcess control(VERGEGRID_CONTROL_BINARY, args(dir, config));
    EXPECT_EQ(control.wait_for_exit(20s), 1) << control.output();
    EXPECT_THAT(control.output(),
                HasSubstr("the storage plugin predates plugin ABI 1.1 and keeps no users"));
}

}  // namespace
