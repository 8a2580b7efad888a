// Simulators whose heartbeats stop go offline (persisted, audited as the system) and come back
// online with their next heartbeat; cordoned simulators keep their state.
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace simulator_liveness_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

class SimulatorLiveness : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            std::map<std::string, std::string>{{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", "1"}});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
    }

    std::pair<std::string, std::string> simulator(const std::string& hostname) {
        return vergegrid::test::register_simulator(*admin_, control_->port(), hostname);
    }

    std::string heartbeat(const std::string& key) {
        auto result =
            ApiClient(control_->port(), key).post("/api/v1/sim/heartbeat", {{"cpu_load", 0.1}});
        EXPECT_EQ(result.status, 200) << result.raw;
        return result.body.value("state", "");
    }

    std::string state(const std::string& id) {
        return admin_->get("/api/v1/simulators/" + id).body.value("state", "");
    }

    // Polls until the simulator is in `wanted`, for at most 10 s.
    std::string wait_for_state(const std::string& id, const std::string& wanted) {
        std::string seen;
        for (int i = 0; i < 200 && (seen = state(id)) != wanted; ++i) {
            std::this_thread::sleep_for(50ms);
        }
        return seen;
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
};

TEST_F(SimulatorLiveness, ASilentSimulatorGoesOfflineAndItsNextHeartbeatBringsItBack) {
    auto [id, key] = simulator("sim-a");
    auto [quiet_id, quiet_key] = simulator("never-beats");
    EXPECT_EQ(heartbeat(key), "online");

    EXPECT_EQ(wait_for_state(id, "offline"), "offline");
    EXPECT_EQ(state(quiet_id), "registered") << "never beat: nothing stopped";

    auto audit = admin_->get("/api/v1/audit?entity_id=" + id + "&action=simulator.offline");
    ASSERT_EQ(audit.status, 200) << audit.raw;
    ASSERT_EQ(audit.body.at("items").size(), 1u) << audit.raw;
    const auto& entry = audit.body.at("items").at(0);
    EXPECT_EQ(entry.at("actor"), "system:liveness");
    EXPECT_EQ(entry.at("before").at("state"), "online");
    EXPECT_EQ(entry.at("after").at("state"), "offline");

    EXPECT_EQ(heartbeat(key), "online");
    EXPECT_EQ(state(id), "online");
    auto back = admin_->get("/api/v1/audit?entity_id=" + id + "&action=simulator.online");
    ASSERT_EQ(back.body.at("items").size(), 1u) << back.raw;
    EXPECT_EQ(back.body.at("items").at(0).at("actor"), "simulator:" + id);
}

TEST_F(SimulatorLiveness, CordonedAndRevokedSimulatorsKeepTheirState) {
    auto [cordoned, cordoned_key] = simulator("sim-c");
    auto [revoked, revoked_key] = simulator("sim-r");
    auto [beating, beating_key] = simulator("sim-b");
    EXPECT_EQ(heartbeat(cordoned_key), "online");
    EXPECT_EQ(heartbeat(revoked_key), "online");
    EXPECT_EQ(heartbeat(beating_key), "online");
    ASSERT_EQ(admin_->post("/api/v1/simulators/" + cordoned + "/cordon", json::object()).status,
              200);
    ASSERT_EQ(admin_->post("/api/v1/simulators/" + revoked + "/revoke", json::object()).status,
              200);

    // The simulator that stopped beating too is the witness that the check ran.
    EXPECT_EQ(wait_for_state(beating, "offline"), "offline");
    EXPECT_EQ(state(cordoned), "cordoned");
    EXPECT_EQ(state(revoked), "revoked");
    EXPECT_EQ(heartbeat(cordoned_key), "cordoned") << "a heartbeat does not uncordon";
}

}  // namespace
}  // namespace simulator_liveness_test
