// Region runtime state end to end (docs/snapshots.md): the control plane, vergegrid-bridge and the
// OpenSim emulator the bridge supervises. The emulator keeps real region state (terrain, objects)
// and writes real OAR archives, so each test changes the region behind VergeGrid's back and
// checks what the simulator holds after a restore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace bridge_snapshot_test {
namespace {

using nlohmann::json;
using vergegrid::test::BridgeStack;
using vergegrid::test::eventually;
using namespace std::chrono_literals;

class BridgeSnapshots : public ::testing::Test {
  protected:
    void SetUp() override { stack_.start_bridge(); }

    // Region UDP ports no parallel test holds.
    const int port_ = vergegrid::test::unclaimed_udp_ports(2);

    json create(const std::string& name, int x, int port) {
        auto region = stack_.create_region(name, x, port);
        const auto op = stack_.finished_operation(region.at("id"));
        EXPECT_TRUE(op && op->at("state") == "succeeded") << stack_.bridge().output();
        return region;
    }

    json region_state(const std::string& region) const {
        const auto answer = stack_.emulator_call("GET", "/regions/" + region + "/state");
        return answer.status == 200 ? json::parse(answer.body) : json(nullptr);
    }

    std::string terrain_sha(const std::string& region) const {
        const auto state = region_state(region);
        return state.is_null() ? "" : state.at("terrain").at("sha256").get<std::string>();
    }

    void fill_terrain(const std::string& region, double height) const {
        const auto answer =
            stack_.emulator_call("POST", "/regions/" + region + "/terrain", {{"fill", height}});
        ASSERT_EQ(answer.status, 200) << answer.body;
    }

    // The snapshot once it is complete or failed (null when it never ended).
    json ended(const std::string& id, std::chrono::milliseconds timeout = 90s) {
        json snapshot;
        eventually(
            [&] {
                snapshot = stack_.admin().get("/api/v1/snapshots/" + id).body;
                return snapshot.is_object() && (snapshot.value("state", "") == "complete" ||
                                                snapshot.value("state", "") == "failed");
            },
            timeout);
        return snapshot;
    }

    json take(const std::string& region_id) {
        const auto taken =
            stack_.admin().post("/api/v1/regions/" + region_id + "/snapshots", json::object());
        EXPECT_EQ(taken.status, 202) << taken.raw;
        return ended(taken.body.at("id"));
    }

    // The region's newest operation of `kind` once it finished.
    json finished(const std::string& region_id, const std::string& kind) {
        json found;
        eventually(
            [&] {
                const auto ops = stack_.admin().get("/api/v1/operations?region_id=" + region_id);
                for (const auto& op : ops.body.at("items")) {
                    if (op.at("kind") == kind) {
                        found = op;
                        return op.at("state") == "succeeded" || op.at("state") == "failed";
                    }
                }
                return false;
            },
            90s);
        return found;
    }

    BridgeStack stack_;
};

TEST_F(BridgeSnapshots, ARestoreBringsBackTheTerrainChangedBehindVergeGridsBack) {
    const auto region = create("Alpha", 1000, port_);
    const std::string id = region.at("id");
    const auto saved_terrain = terrain_sha("Alpha");
    ASSERT_FALSE(saved_terrain.empty());
    const auto snapshot = take(id);
    ASSERT_EQ(snapshot.at("state"), "complete") << snapshot.dump() << stack_.bridge().output();

    fill_terrain("Alpha", 42.0);
    ASSERT_NE(terrain_sha("Alpha"), saved_terrain);

    const auto queued = stack_.admin().post("/api/v1/regions/" + id + "/restore",
                                            {{"snapshot_id", snapshot.at("id")}});
    ASSERT_EQ(queued.status, 202) << queued.raw;
    EXPECT_EQ(ended(queued.body.at("safety_snapshot").at("id")).at("state"), "complete");
    const auto load = finished(id, "restore");
    ASSERT_EQ(load.at("state"), "succeeded") << load.dump() << stack_.bridge().output();
    EXPECT_EQ(terrain_sha("Alpha"), saved_terrain);
}

TEST_F(BridgeSnapshots, ADeletedRegionKeepsAFinalSnapshotAndComesBackFromIt) {
    const auto region = create("Alpha", 1000, port_);
    const std::string id = region.at("id");
    fill_terrain("Alpha", 33.0);
    const auto terrain = terrain_sha("Alpha");
    const auto deleting = stack_.admin().del("/api/v1/regions/" + id);
    ASSERT_EQ(deleting.status, 202) << deleting.raw;
    const auto final_snapshot = ended(deleting.body.at("snapshot").at("id"));
    ASSERT_EQ(final_snapshot.at("state"), "complete") << stack_.bridge().output();
    EXPECT_TRUE(
        eventually([&] { return stack_.admin().get("/api/v1/regions/" + id).status == 404; }));

    const auto made = stack_.admin().post(
        "/api/v1/regions", {{"from_snapshot", final_snapshot.at("id")},
                            {"name", "AlphaAgain"},
                            {"port", port_ + 1},
                            {"placement", {{"simulator_id", stack_.simulator_id()}}}});
    ASSERT_EQ(made.status, 201) << made.raw << stack_.bridge().output();
    const auto load = finished(made.body.at("id"), "restore");
    ASSERT_EQ(load.at("state"), "succeeded") << load.dump() << stack_.bridge().output();
    EXPECT_EQ(terrain_sha("AlphaAgain"), terrain);
}

TEST_F(BridgeSnapshots, ASimulatorDyingMidSaveFailsTheSnapshotAndLeavesNoBlob) {
    const auto region = create("Alpha", 1000, port_);
    stack_.emulator_fault({{"die_during_oar_write", true}});
    const auto taken = stack_.admin().post(
        "/api/v1/regions/" + region.at("id").get<std::string>() + "/snapshots", json::object());
    ASSERT_EQ(taken.status, 202);
    const auto snapshot = ended(taken.body.at("id"), 120s);
    ASSERT_EQ(snapshot.at("state"), "failed") << snapshot.dump() << stack_.bridge().output();
    EXPECT_FALSE(snapshot.at("failure").get<std::string>().empty());
    EXPECT_TRUE(snapshot.at("sha256").is_null());
    const auto blobs = stack_.control_data_dir() / "snapshots" / "blobs";
    std::size_t files = 0;
    if (std::filesystem::exists(blobs)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(blobs)) {
            files += entry.is_regular_file() ? 1 : 0;
        }
    }
    EXPECT_EQ(files, 0U);
}

TEST_F(BridgeSnapshots, ACorruptedBlobIsRefusedOnRestore) {
    const auto region = create("Alpha", 1000, port_);
    const std::string id = region.at("id");
    const auto snapshot = take(id);
    ASSERT_EQ(snapshot.at("state"), "complete");
    const std::string sha = snapshot.at("sha256");
    const auto blob = stack_.control_data_dir() / "snapshots" / "blobs" / sha.substr(0, 2) / sha;
    ASSERT_TRUE(std::filesystem::exists(blob));
    std::filesystem::permissions(blob, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    {
        std::fstream file(blob, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(20);
        file.put('\x5a');
    }
    fill_terrain("Alpha", 50.0);
    const auto changed = terrain_sha("Alpha");
    const auto queued = stack_.admin().post("/api/v1/regions/" + id + "/restore",
                                            {{"snapshot_id", snapshot.at("id")}});
    ASSERT_EQ(queued.status, 202) << queued.raw;
    const auto load = finished(id, "restore");
    EXPECT_EQ(load.at("state"), "failed") << load.dump();
    EXPECT_EQ(terrain_sha("Alpha"), changed);  // nothing was loaded
}

}  // namespace
}  // namespace bridge_snapshot_test
