// vergegrid-bridge's plugins through the shared host: it loads injection plugins only, lists every
// other file as skipped, and refuses a mistyped plugin key in the environment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace bridge_plugins_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::test::ChildProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

TEST(BridgePlugins, ListsTheInjectionPluginLoadedAndEveryOtherKindSkipped) {
    // No configuration at all: listing needs only the plugin folder.
    ChildProcess list(VERGEGRID_BRIDGE_BINARY,
                      {"--list-plugins", "--plugin-dir", VERGEGRID_PLUGIN_DIR});
    EXPECT_EQ(list.wait_for_exit(15s), 0) << list.output();
    EXPECT_THAT(list.output(), ::testing::ContainsRegex("loaded +injection +hybrid"));
    EXPECT_THAT(list.output(), ::testing::ContainsRegex("skipped +storage .*vg-storage-sqlite.so"));
    EXPECT_THAT(list.output(), HasSubstr("reason: kind storage not used by vergegrid-bridge"));
    EXPECT_THAT(list.output(), HasSubstr("reason: kind placement not used by vergegrid-bridge"));
}

TEST(BridgePlugins, AMistypedInjectionKeyInTheEnvironmentStopsStartUpNamingTheVariable) {
    TempDir dir;
    const auto ini = dir.path() / "bridge.ini";
    std::ofstream(ini) << "state_dir = " << (dir.path() / "state").string()
                       << "\n[control]\nurl = http://127.0.0.1:1\n[simulator]\n"
                          "remoteadmin_password = secret\nregions_dir = "
                       << (dir.path() / "Regions").string() << "\n";
    ChildProcess bridge(VERGEGRID_BRIDGE_BINARY,
                        {"--config", ini.string(), "--plugin-dir", VERGEGRID_PLUGIN_DIR},
                        {{"VERGEGRID_INJECTION_HYBRID_BOGUS", "1"}});
    EXPECT_EQ(bridge.wait_for_exit(15s), 2) << bridge.output();
    EXPECT_THAT(bridge.output(),
                HasSubstr("injection.hybrid.bogus: unknown key for plugin injection.hybrid (from "
                          "env VERGEGRID_INJECTION_HYBRID_BOGUS)"));
}

}  // namespace
}  // namespace bridge_plugins_test
