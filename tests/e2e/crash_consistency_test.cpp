// A control plane killed with SIGKILL in the middle of a write burst leaves no partial region:
// after a restart every region has its supplements, its history row at its version and its audit
// row, and every audit or history row belongs to a region that exists.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace crash_consistency_test {
namespace {

using nlohmann::json;
using vergegrid::test::all_items;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

TEST(CrashConsistency, SigkillDuringAWriteBurstLeavesNoPartialRegion) {
    TempDir dir;
    const std::vector<std::string> args{"--listen", "127.0.0.1:0", "--data-dir",
                                        (dir.path() / "data").string()};
    std::string estate_id;
    std::atomic<int> acknowledged{0};
    {
        ControlPlaneProcess control(args);
        ASSERT_TRUE(control.started()) << control.process().output();
        ApiClient api(control.port());
        estate_id = api.post("/api/v1/estates", {{"name", "Burst"}, {"owner", "Burst Tester"}})
                        .body.at("id");

        std::atomic<bool> stop{false};
        std::vector<std::thread> writers;
        for (int w = 0; w < 4; ++w) {
            writers.emplace_back([&, w] {
                for (int i = 0; !stop.load() && i < 100000; ++i) {
                    json body = {
                        {"name", "w" + std::to_string(w) + "-" + std::to_string(i)},
                        {"estate_id", estate_id},
                        {"loc_x", 2 * i},
                        {"loc_y", 2 * w},
                        {"port", 1000 + i % 60000},
                        {"host", "sim" + std::to_string(w) + "-" + std::to_string(i / 60000)},
                        {"environment", {{"water_height", 21.5}}},
                        {"flags", {{"max_prims", 1234}}}};
                    try {
                        auto result = api.post("/api/v1/regions", body);
                        if (result.status == 201) {
                            acknowledged.fetch_add(1);
                            if (i % 3 == 0) {  // updates too: history and audit rows per change
                                api.patch(
                                    "/api/v1/regions/" + result.body.at("id").get<std::string>(),
                                    {{"flags", {{"max_agents", 10}}}});
                            }
                        }
                    } catch (const std::exception&) {
                        return;  // the server is gone
                    }
                }
            });
        }
        while (acknowledged.load() < 200) {
            std::this_thread::sleep_for(5ms);
        }
        control.process().send_signal(SIGKILL);
        EXPECT_EQ(control.process().wait_for_exit(10s), -SIGKILL);
        stop = true;
        for (auto& writer : writers) {
            writer.join();
        }
    }

    ControlPlaneProcess restarted(args);
    ASSERT_TRUE(restarted.started()) << restarted.process().output();
    ApiClient api(restarted.port());
    const auto regions = all_items(api, "/api/v1/regions", "after");
    ASSERT_GE(regions.size(), static_cast<std::size_t>(acknowledged.load()))
        << "every acknowledged create survives the crash (SQLite WAL commits are durable against a "
           "process kill)";

    std::set<std::string> ids;
    for (const auto& region : regions) {
        const std::string id = region.at("id");
        ids.insert(id);
        EXPECT_EQ(region.at("environment").at("water_height"), 21.5)
            << "supplement rows written with the region";
        EXPECT_EQ(region.at("flags").at("max_prims"), 1234);
        const auto history = api.get("/api/v1/regions/" + id + "/history").body.at("items");
        ASSERT_FALSE(history.empty()) << id;
        EXPECT_EQ(history.back().at("version"), region.at("version"))
            << "history row for the current version";
        EXPECT_EQ(history.back().at("spec").at("flags"), region.at("flags"));
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
        EXPECT_EQ(creates[id], 1) << "region without its creation audit row: " << id;
    }
}

}  // namespace
}  // namespace crash_consistency_test
