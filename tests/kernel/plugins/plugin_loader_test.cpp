#include "plugin_host/plugin_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <fstream>

#include "plugin_host/build_key.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "tests/support/library_state.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::HasSubstr;
using vergegrid::plugin_host::PluginCreateError;
using vergegrid::plugin_host::PluginLoader;
using vergegrid::plugin_host::PluginRegistry;
using vergegrid::plugin_host::PluginStatus;

const std::filesystem::path kDir = VERGEGRID_TEST_PLUGIN_DIR;

std::shared_ptr<spdlog::logger> quiet_logger() {
    return std::make_shared<spdlog::logger>("test",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
}

PluginLoader loader(api::AbiVersion host = api::kAbiVersion) {
    return PluginLoader(quiet_logger(), host);
}

struct Host {
    std::shared_ptr<vergegrid::test::RecordingLogger> logger =
        std::make_shared<vergegrid::test::RecordingLogger>();
    api::ConfigSection config;
    api::HostContext context() const {
        return api::HostContext{api::kAbiVersion, logger, config, "/tmp"};
    }
};

TEST(PluginLoader, AcceptsAValidPluginAndReadsItsDescriptor) {
    auto outcome = loader().load(kDir / "vg-test-placement-a.so");
    ASSERT_EQ(outcome.record.status, PluginStatus::loaded) << outcome.record.reason;
    ASSERT_NE(outcome.plugin, nullptr);
    EXPECT_EQ(outcome.record.kind, "placement");
    EXPECT_EQ(outcome.record.name, "test-a");
    EXPECT_EQ(outcome.record.version, "1.2.3");
    EXPECT_EQ(outcome.record.summary, "test plugin test-a");
    EXPECT_EQ(outcome.record.abi, api::kAbiVersion);
    EXPECT_EQ(outcome.record.config_keys, std::vector<std::string>{"score"});
}

TEST(PluginLoader, CreatesObjectsThatLogThroughTheHostLogger) {
    auto outcome = loader().load(kDir / "vg-test-placement-a.so");
    Host host;
    host.config["score"] = "4.5";
    auto policy = outcome.plugin->create<api::PlacementPolicy>(host.context());
    api::SimulatorSnapshot sim;
    sim.state = "online";
    EXPECT_DOUBLE_EQ(policy->score({}, sim), 4.5);
    EXPECT_THAT(host.logger->lines(), ::testing::Contains(HasSubstr("test-a created")));
}

TEST(PluginLoader, RefusesAnotherAbiMajorNamingFileAndBothVersions) {
    auto outcome = loader().load(kDir / "vg-test-other-major.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::refused);
    EXPECT_EQ(outcome.plugin, nullptr);
    const std::string other = std::to_string(api::kAbiMajor + 1) + ".0";
    EXPECT_THAT(outcome.record.reason,
                HasSubstr("vg-test-other-major.so was built for plugin ABI " + other));
    EXPECT_THAT(outcome.record.reason, HasSubstr("speaks ABI " + api::kAbiVersion.to_string()));
    EXPECT_THAT(outcome.record.reason, HasSubstr("majors must match"));
    EXPECT_EQ(outcome.record.file, kDir / "vg-test-other-major.so");
}

TEST(PluginLoader, RefusesANewerAbiMinor) {
    auto outcome = loader().load(kDir / "vg-test-newer-minor.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::refused);
    EXPECT_THAT(outcome.record.reason,
                HasSubstr("vg-test-newer-minor.so was built for plugin ABI"));
    EXPECT_THAT(outcome.record.reason, HasSubstr("its minor is newer"));
    EXPECT_THAT(outcome.record.reason, HasSubstr(std::to_string(api::kAbiMajor) + "." +
                                                 std::to_string(api::kAbiMinor + 1)));
}

TEST(PluginLoader, LoadsAPluginBuiltForAnOlderMinor) {
    // A host one minor ahead of the plugins in this build stands in for a future kernel.
    const api::AbiVersion newer_host{api::kAbiMajor,
                                     static_cast<std::uint16_t>(api::kAbiMinor + 1)};
    auto outcome = loader(newer_host).load(kDir / "vg-test-placement-a.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::loaded) << outcome.record.reason;
}

TEST(PluginLoader, RefusesASharedObjectWithoutTheEntryPoint) {
    auto outcome = loader().load(kDir / "vg-test-not-a-plugin.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::refused);
    EXPECT_THAT(outcome.record.reason, HasSubstr("no entry point 'vergegrid_plugin'"));
}

TEST(PluginLoader, ReportsAMissingDependencyWithTheDynamicLoadersReason) {
    auto outcome = loader().load(kDir / "vg-test-missing-dependency.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::failed);
    EXPECT_THAT(outcome.record.reason, HasSubstr("vg-test-helper"));
    EXPECT_THAT(outcome.record.reason, HasSubstr("cannot open shared object file"));
}

TEST(PluginLoader, ReportsAFileThatIsNotASharedObject) {
    const auto file = std::filesystem::temp_directory_path() / "vergegrid-not-elf.so";
    { std::ofstream(file) << "not an ELF file"; }
    auto outcome = loader().load(file);
    std::filesystem::remove(file);
    EXPECT_EQ(outcome.record.status, PluginStatus::failed);
    EXPECT_FALSE(outcome.record.reason.empty());
}

TEST(PluginLoader, RefusesAnUnknownKind) {
    auto outcome = loader().load(kDir / "vg-test-unknown-kind.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::refused);
    EXPECT_THAT(outcome.record.reason, HasSubstr("unknown plugin kind 'teleporter'"));
}

TEST(PluginLoader, TurnsAPluginExceptionIntoACreateError) {
    auto outcome = loader().load(kDir / "vg-test-throws.so");
    ASSERT_EQ(outcome.record.status, PluginStatus::loaded);
    Host host;
    try {
        outcome.plugin->create<api::PlacementPolicy>(host.context());
        FAIL() << "create should have thrown";
    } catch (const PluginCreateError& e) {
        EXPECT_THAT(e.what(), HasSubstr("placement/throws"));
        EXPECT_THAT(e.what(), HasSubstr("refusing on purpose"));
    }
}

TEST(PluginLoader, ReportsAConfigErrorWithTheFullKey) {
    auto outcome = loader().load(kDir / "vg-test-placement-a.so");
    Host host;
    host.config["score"] = "lots";
    try {
        outcome.plugin->create<api::PlacementPolicy>(host.context());
        FAIL() << "create should have thrown";
    } catch (const PluginCreateError& e) {
        EXPECT_EQ(e.config_key, "placement.test-a.score");
        EXPECT_THAT(e.config_message, HasSubstr("'lots' is not a number"));
    }
}

TEST(PluginLoader, RefusesAnObjectThatDoesNotImplementTheKindsInterface) {
    auto outcome = loader().load(kDir / "vg-test-wrong-interface.so");
    ASSERT_EQ(outcome.record.status, PluginStatus::loaded);
    Host host;
    EXPECT_THROW(outcome.plugin->create<api::StorageBackend>(host.context()), PluginCreateError);
}

TEST(PluginLoader, ExportsOnlyTheEntryPoint) {
    // Hidden visibility: the plugin's own classes and functions are not in the dynamic symbol
    // table, so two plugins can never bind to each other's code.
    auto outcome = loader().load(kDir / "vg-test-placement-a.so");
    ASSERT_EQ(outcome.record.status, PluginStatus::loaded);
    boost::dll::shared_library library{
        boost::dll::fs::path((kDir / "vg-test-placement-a.so").string())};
    EXPECT_TRUE(library.has("vergegrid_plugin"));
    EXPECT_FALSE(library.has("_ZN12_GLOBAL__N_16createERKN9vergegrid10plugin_api11HostContextE"));
}

// ABI 1.4: a plugin whose std::string has another layout is refused by its build key before
// the kernel touches any of its objects, with both keys in the reason.
TEST(PluginLoader, RefusesAPluginBuiltWithTheOldStringAbi) {
    auto outcome = loader().load(kDir / "vg-test-old-string-abi.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::refused);
    EXPECT_EQ(outcome.plugin, nullptr);
    EXPECT_EQ(outcome.record.name, "old-string-abi");
    const auto& reason = outcome.record.reason;
    EXPECT_THAT(reason, HasSubstr("vg-test-old-string-abi.so was built with build key '"));
    EXPECT_THAT(reason, HasSubstr("cxx11-abi=0"));
    EXPECT_THAT(reason, HasSubstr("this host was built with '" +
                                  std::string(vergegrid::plugin_host::kHostBuildKey) + "'"));
    EXPECT_THAT(reason, HasSubstr("differ in cxx11-abi (plugin 0, host 1)"));
}

TEST(PluginLoader, RefusesAPluginBuiltWithTheDebugContainers) {
    auto outcome = loader().load(kDir / "vg-test-debug-containers.so");
    EXPECT_EQ(outcome.record.status, PluginStatus::refused);
    EXPECT_THAT(outcome.record.reason, HasSubstr("assertions (plugin 1, host 0), debug (plugin 1, "
                                                 "host 0)"));
}

// HostContext::logger is never null: the kernel refuses to hand a plugin a context without one.
TEST(PluginLoader, NeverCreatesAnObjectWithoutALogger) {
    auto outcome = loader().load(kDir / "vg-test-placement-a.so");
    const api::ConfigSection config;
    const api::HostContext no_logger{api::kAbiVersion, nullptr, config, "/tmp"};
    EXPECT_THROW(outcome.plugin->create<api::PlacementPolicy>(no_logger), PluginCreateError);
}

TEST(PluginRegistry, ListsEveryFileLoadedOrNotAndRefusesDuplicates) {
    PluginRegistry registry(loader());
    registry.discover(kDir);
    registry.add(kDir / "vg-test-placement-a.so");  // a second copy of an accepted plugin
    const auto records = registry.records();
    auto status_of = [&](const std::string& file) {
        for (const auto& r : records) {
            if (r.file.filename() == file) {
                return r.status;
            }
        }
        ADD_FAILURE() << file << " not listed";
        return PluginStatus::failed;
    };
    EXPECT_EQ(status_of("vg-test-placement-a.so"), PluginStatus::loaded);
    EXPECT_EQ(status_of("vg-test-placement-b.so"), PluginStatus::loaded);
    EXPECT_EQ(status_of("vg-test-other-major.so"), PluginStatus::refused);
    EXPECT_EQ(status_of("vg-test-missing-dependency.so"), PluginStatus::failed);
    EXPECT_EQ(records.back().status, PluginStatus::refused);
    EXPECT_THAT(records.back().reason, HasSubstr("duplicate plugin placement/test-a"));
    EXPECT_NE(registry.find("placement", "test-b"), nullptr);
    EXPECT_EQ(registry.find("placement", "other-major"), nullptr);
}

TEST(PluginRegistry, AMissingDirectoryIsNotFatal) {
    PluginRegistry registry(loader());
    registry.discover("/nonexistent/vergegrid/plugins");
    EXPECT_TRUE(registry.records().empty());
}

}  // namespace
