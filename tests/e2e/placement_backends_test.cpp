// Placement's concurrency guarantees on the server backends: concurrent creates through the real
// API never share a port or a map cell and never overfill a simulator, and policy swaps during
// creates lose no decision. Placement reads the grid inside the create's read-write
// transaction; PostgreSQL and MariaDB serialise those on the grid_lock row (SQLite, the default,
// by BEGIN IMMEDIATE: placement_api_test). Throwaway servers come from the ctest fixtures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/plugins/storage/contract/backend_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace placement_backends_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

std::string env_key(const std::string& backend, std::string key) {
    std::string name = "VERGEGRID_STORAGE_" + backend + "_" + key;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return name;
}

class PlacementOnServers : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        harness_ = vergegrid::test::storage::make_harness(GetParam());
        std::map<std::string, std::string> env{{"VERGEGRID_STORAGE_BACKEND", GetParam()}};
        for (const auto& [key, value] : harness_->config()) {
            env[env_key(GetParam(), key)] = value;
        }
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            env);
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
        estate_ = admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
    }

    void simulator(const std::string& hostname, int capacity) {
        const std::string token =
            admin_->post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
        const auto registered =
            ApiClient(control_->port(), "")
                .post("/api/v1/sim/register",
                      {{"token", token}, {"hostname", hostname}, {"capacity", capacity}});
        ASSERT_EQ(registered.status, 201) << registered.raw;
    }

    // `count` creates from 4 threads at once; their answers, in request order.
    std::vector<vergegrid::test::JsonResult> create_concurrently(int count) {
        std::vector<vergegrid::test::JsonResult> results(count);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                const ApiClient client(control_->port());
                for (int i = t; i < count; i += 4) {
                    results[i] = client.post("/api/v1/regions", {{"name", "R" + std::to_string(i)},
                                                                 {"estate_id", estate_}});
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        return results;
    }

    std::unique_ptr<vergegrid::test::storage::BackendHarness> harness_;
    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string estate_;
};

TEST_P(PlacementOnServers, ConcurrentCreatesNeverShareAPortACellOrTheLastSlot) {
    simulator("sim-a.example.org", 10);
    const auto results = create_concurrently(16);
    // The last slot goes once: the rest wait as pending regions (docs/api.md), each on a map cell
    // of its own but on no port.
    std::set<int> ports;
    std::set<std::pair<int, int>> cells;
    int created = 0;
    for (const auto& result : results) {
        ASSERT_EQ(result.status, 201) << result.raw;
        cells.emplace(result.body.at("loc_x").get<int>(), result.body.at("loc_y").get<int>());
        if (result.body.at("placement_state") == "placed") {
            ++created;
            ports.insert(result.body.at("port").get<int>());
        }
    }
    EXPECT_EQ(created, 10);
    EXPECT_EQ(ports.size(), 10u);
    EXPECT_EQ(cells.size(), 16u);
}

TEST_P(PlacementOnServers, SwapsWhileCreatesRunLoseNoDecision) {
    simulator("sim-a.example.org", 20);
    simulator("sim-b.example.org", 20);
    std::atomic<bool> done{false};
    std::atomic<int> swaps{0};
    std::thread swapper([&] {
        const ApiClient admin(control_->port());
        const char* names[] = {"spread", "binpack"};
        while (!done.load()) {
            const auto result = admin.call("PUT", "/api/v1/placement/policy",
                                           json{{"policy", names[swaps.load() % 2]}}.dump());
            EXPECT_EQ(result.status, 200) << result.raw;
            ++swaps;
        }
    });
    const auto results = create_concurrently(16);
    done = true;
    swapper.join();
    for (const auto& result : results) {
        EXPECT_EQ(result.status, 201) << result.raw;
    }
    EXPECT_EQ(admin_->get("/api/v1/regions").body.at("items").size(), 16u);
    EXPECT_GT(swaps.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Servers, PlacementOnServers, ::testing::Values("postgresql", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace placement_backends_test
