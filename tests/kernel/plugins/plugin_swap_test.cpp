// Swapping the active placement policy while threads keep calling it: no crash, no lost call,
// and the old plugin's shared object is unloaded only after the last object made from it died.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernel/services/active_slot.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "tests/support/library_state.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using vergegrid::kernel::services::ActiveSlot;
using vergegrid::plugin_host::PluginLoader;
using vergegrid::plugin_host::PluginRegistry;
using vergegrid::test::is_library_loaded;

const std::filesystem::path kPluginDir = VERGEGRID_TEST_PLUGIN_DIR;

template <typename Predicate>
bool eventually(Predicate done) {
    for (int i = 0; i < 1000 && !done(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
}

TEST(PluginSwap, SwapUnderLoadLosesNoCallAndUnloadsTheOldLibraryAfterItsLastObject) {
    // A copy of plugin A under a name of its own, so this test alone decides its lifetime.
    const auto a_file = std::filesystem::temp_directory_path() / "vergegrid-swap-test-a.so";
    std::filesystem::copy_file(kPluginDir / "vg-test-placement-a.so", a_file,
                               std::filesystem::copy_options::overwrite_existing);
    ASSERT_FALSE(is_library_loaded(a_file));

    auto log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    PluginRegistry registry{PluginLoader(log)};
    registry.add(a_file);
    registry.add(kPluginDir / "vg-test-placement-b.so");
    auto logger = std::make_shared<vergegrid::test::RecordingLogger>();
    const api::ConfigSection no_config;
    const api::HostContext host{api::kAbiVersion, logger, no_config, "/tmp"};

    ActiveSlot<api::PlacementPolicy> slot;
    slot.swap(registry.find("placement", "test-a")->create<api::PlacementPolicy>(host));
    ASSERT_TRUE(is_library_loaded(a_file));

    constexpr int kThreads = 4;
    std::atomic<bool> stop{false};
    std::atomic<long> calls{0};
    std::atomic<long> answered{0};
    std::atomic<long> answered_by_b{0};
    std::atomic<long> bad_answers{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            api::SimulatorSnapshot sim;
            sim.state = "online";
            while (!stop.load()) {
                auto policy = slot.get();  // one snapshot per decision
                calls.fetch_add(1);
                const double score = policy->score({}, sim);
                if (score == 1.0 || score == 2.0) {
                    answered.fetch_add(1);
                    answered_by_b.fetch_add(score == 2.0 ? 1 : 0);
                } else {
                    bad_answers.fetch_add(1);
                }
            }
        });
    }
    ASSERT_TRUE(eventually([&] { return calls.load() > 1000; }));

    // An in-flight user of A that outlives the swap.
    auto held_a = slot.get();
    auto b = registry.find("placement", "test-b")->create<api::PlacementPolicy>(host);
    registry.release("placement", "test-a");
    auto old = slot.swap(std::move(b));
    old.reset();
    ASSERT_TRUE(eventually([&] { return answered_by_b.load() > 1000; }));
    EXPECT_TRUE(is_library_loaded(a_file)) << "unloaded while an object made from it was alive";

    held_a.reset();  // the last object made from A
    EXPECT_TRUE(eventually([&] { return !is_library_loaded(a_file); })) << "A was never unloaded";

    stop = true;
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(calls.load(), answered.load()) << "calls lost";
    EXPECT_EQ(bad_answers.load(), 0);
    EXPECT_TRUE(is_library_loaded(kPluginDir / "vg-test-placement-b.so"));
    std::filesystem::remove(a_file);
}

}  // namespace
