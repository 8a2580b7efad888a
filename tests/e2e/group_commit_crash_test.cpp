// Group commit survives crashes: a real vergegrid-control (group commit on, the default) under
// concurrent creates from several client threads is killed with SIGKILL at random moments, again
// and again on the same database. After every restart each acknowledged create is there with all
// of its rows (region, history, operation, audit), and no region is half there (every region has
// its history row, its operation and exactly one creation audit row; no audit row lacks its
// region). SQLite by default; PostgreSQL and MariaDB from the ctest fixtures' throwaway servers.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/plugins/storage/contract/backend_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace group_commit_crash_test {
namespace {

using nlohmann::json;
using vergegrid::test::all_items;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

std::string env_key(const std::string& backend, std::string key) {
    std::string name = "VERGEGRID_STORAGE_" + backend + "_" + key;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return name;
}

class GroupCommitCrash : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        harness_ = vergegrid::test::storage::make_harness(GetParam());
        // Every create is pinned to one simulator: the default 1,000 ports ran out on a fast
        // machine (992 creates acknowledged, the rest refused "no free port").
        env_ = {{"VERGEGRID_STORAGE_BACKEND", GetParam()},
                {"VERGEGRID_PLACEMENT_PORT_MIN", "1024"},
                {"VERGEGRID_PLACEMENT_PORT_MAX", "65535"}};
        for (const auto& [key, value] : harness_->config()) {
            env_[env_key(GetParam(), key)] = value;
        }
    }

    std::unique_ptr<ControlPlaneProcess> start() {
        auto control = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            env_);
        EXPECT_TRUE(control->started()) << control->process().output();
        return control;
    }

    // Every region complete, every acknowledged one present.
    void expect_consistent(const ApiClient& api, const std::set<std::string>& acknowledged) {
        std::set<std::string> ids;
        for (const auto& region : all_items(api, "/api/v1/regions", "after")) {
            const std::string id = region.at("id");
            ids.insert(id);
            const auto history = api.get("/api/v1/regions/" + id + "/history").body.at("items");
            ASSERT_FALSE(history.empty()) << "region without its history row: " << id;
            EXPECT_EQ(history.back().at("version"), region.at("version"));
            const auto operations = api.get("/api/v1/operations?region_id=" + id).body.at("items");
            EXPECT_FALSE(operations.empty()) << "region without its operation: " << id;
        }
        for (const auto& id : acknowledged) {
            EXPECT_TRUE(ids.count(id)) << "acknowledged create lost: " << id;
        }
        std::map<std::string, int> creates;
        for (const auto& entry : all_items(api, "/api/v1/audit?entity_type=region", "before")) {
            EXPECT_TRUE(ids.count(entry.at("entity_id")))
                << "audit row without its region: " << entry.dump();
            if (entry.at("action") == "region.create") {
                ++creates[entry.at("entity_id")];
            }
        }
        for (const auto& id : ids) {
            EXPECT_EQ(creates[id], 1) << "region without exactly one creation audit row: " << id;
        }
    }

    std::unique_ptr<vergegrid::test::storage::BackendHarness> harness_;
    std::map<std::string, std::string> env_;
    TempDir dir_;
};

TEST_P(GroupCommitCrash, NoAcknowledgedCreateIsLostAndNoneIsHalfThereAcrossRepeatedKills) {
    constexpr int kCycles = 4;
    constexpr int kWriters = 6;
    std::mt19937 random(std::random_device{}());
    std::set<std::string> acknowledged;
    std::mutex mutex;
    std::string estate_id;
    std::string simulator_id;
    for (int cycle = 0; cycle < kCycles; ++cycle) {
        auto control = start();
        ASSERT_TRUE(control->started());
        const ApiClient api(control->port());
        if (cycle == 0) {
            estate_id = api.post("/api/v1/estates", {{"name", "Crash"}, {"owner", "Crash Tester"}})
                            .body.at("id");
            const std::string token =
                api.post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
            const auto registered =
                ApiClient(control->port(), "")
                    .post("/api/v1/sim/register",
                          {{"token", token}, {"hostname", "crash-sim"}, {"capacity", 100000}});
            ASSERT_EQ(registered.status, 201) << registered.raw;
            simulator_id = registered.body.at("simulator_id");
        } else {
            expect_consistent(api, acknowledged);
        }

        std::atomic<int> answered{0};
        std::atomic<bool> stop{false};
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; ++w) {
            writers.emplace_back([&, w] {
                const ApiClient client(control->port());
                for (int i = 0; !stop.load(); ++i) {
                    const std::string name = "c" + std::to_string(cycle) + "-w" +
                                             std::to_string(w) + "-" + std::to_string(i);
                    try {
                        const auto result = client.post(
                            "/api/v1/regions", {{"name", name},
                                                {"estate_id", estate_id},
                                                {"placement", {{"simulator_id", simulator_id}}}});
                        if (result.status == 201) {
                            const std::lock_guard lock(mutex);
                            acknowledged.insert(result.body.at("id").get<std::string>());
                        } else if (result.status != 0) {
                            ADD_FAILURE() << "create refused: " << result.raw;
                            return;
                        }
                        ++answered;
                    } catch (const std::exception&) {
                        return;  // the server is gone
                    }
                }
            });
        }
        for (int waited = 0; answered.load() < 20 && waited < 30'000; waited += 2) {
            std::this_thread::sleep_for(2ms);
        }
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 800)(random)));
        control->process().send_signal(SIGKILL);
        EXPECT_EQ(control->process().wait_for_exit(10s), -SIGKILL);
        stop = true;
        for (auto& writer : writers) {
            writer.join();
        }
    }
    auto control = start();
    ASSERT_TRUE(control->started());
    const ApiClient api(control->port());
    EXPECT_GE(acknowledged.size(), static_cast<std::size_t>(kCycles * 20));
    std::cout << acknowledged.size() << " acknowledged creates over " << kCycles << " kills\n";
    expect_consistent(api, acknowledged);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitCrash,
                         ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace group_commit_crash_test
