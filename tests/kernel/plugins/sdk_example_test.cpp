// The SDK's example plugin, built out of tree against the installed SDK (tests/sdk), loads into
// the kernel and works.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "plugin_host/plugin_loader.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using vergegrid::plugin_host::PluginLoader;
using vergegrid::plugin_host::PluginStatus;

TEST(SdkExample, BuiltOutOfTreeAgainstTheInstalledSdkItLoadsAndPlaces) {
    auto log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    PluginLoader loader(log);
    auto outcome = loader.load(VERGEGRID_SDK_EXAMPLE_PLUGIN);
    ASSERT_EQ(outcome.record.status, PluginStatus::loaded) << outcome.record.reason;
    EXPECT_EQ(outcome.record.kind, "placement");
    EXPECT_EQ(outcome.record.abi, api::kAbiVersion);

    auto logger = std::make_shared<vergegrid::test::RecordingLogger>();
    const api::ConfigSection config{{"weight_cpu", "1.0"}};
    auto policy = outcome.plugin->create<api::PlacementPolicy>(
        api::HostContext{api::kAbiVersion, logger, config, "/tmp"});
    EXPECT_FALSE(logger->lines().empty()) << "the example logs through the host logger";

    api::RegionNeeds region;
    region.required_labels = {"event"};
    // ABI 1.2 appended hostname and region_names; the example policy reads neither.
    api::SimulatorSnapshot busy{"sim-busy", "online", {"event"}, 5, 10, 0.9, 0.2, "", {}};
    api::SimulatorSnapshot idle{"sim-idle", "online", {"event"}, 5, 10, 0.1, 0.2, "", {}};
    api::SimulatorSnapshot unlabelled{"sim-main", "online", {"main"}, 0, 10, 0.0, 0.0, "", {}};
    api::SimulatorSnapshot cordoned{"sim-cordoned", "cordoned", {"event"}, 0, 10, 0.0, 0.0, "", {}};
    EXPECT_EQ(policy->filter(region, busy), std::nullopt);
    // The engine's hard rules refuse these before a policy sees them (placement.hpp); the example
    // does not repeat them (tests/control/placement/hard_rules_test.cpp checks the engine).
    EXPECT_EQ(policy->filter(region, unlabelled), std::nullopt);
    EXPECT_EQ(policy->filter(region, cordoned), std::nullopt);
    EXPECT_GT(policy->score(region, idle), policy->score(region, busy));

    const api::ConfigSection bad{{"weight_cpu", "heavy"}};
    EXPECT_ANY_THROW(outcome.plugin->create<api::PlacementPolicy>(
        api::HostContext{api::kAbiVersion, logger, bad, "/tmp"}));
}

}  // namespace
