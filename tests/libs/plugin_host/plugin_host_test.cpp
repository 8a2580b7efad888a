#include "plugin_host/plugin_host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "config_sources/config_error.hpp"
#include "plugin_host/plugin_dir.hpp"
#include "tests/support/temp_dir.hpp"
#include "vergegrid/plugin_api/migration.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace host = vergegrid::plugin_host;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::test::TempDir;

const fs::path kDir = VERGEGRID_TEST_PLUGIN_DIR;

static_assert(host::kind_of_v<api::StorageBackend> == api::kind::kStorage);
static_assert(host::kind_of_v<api::PlacementPolicy> == api::kind::kPlacement);
static_assert(host::kind_of_v<api::InjectionStrategy> == api::kind::kInjection);
static_assert(host::kind_of_v<api::SyncScheduler> == api::kind::kSync);
static_assert(host::kind_of_v<api::AuthProvider> == api::kind::kAuth);
static_assert(host::kind_of_v<api::SnapshotStore> == api::kind::kSnapshotStore);
static_assert(host::kind_of_v<api::MigrationStrategy> == api::kind::kMigration);
static_assert(host::kind_of_v<api::EventSink> == api::kind::kEventSink);

// A program hosting plugins, its log kept for assertions.
struct Program {
    std::ostringstream log_text;
    std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>(
        "test-program", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text));
    host::PluginHost plugins;

    explicit Program(fs::path state_dir = "/srv/test-program",
                     api::AbiVersion abi = api::kAbiVersion)
        : plugins(host::HostProgram{"test-program", std::move(state_dir), log, abi}) {
        log->set_level(spdlog::level::trace);
    }
};

const host::PluginRecord* record_of(const std::vector<host::PluginRecord>& records,
                                    const std::string& file) {
    for (const auto& r : records) {
        if (r.file.filename() == file) {
            return &r;
        }
    }
    return nullptr;
}

// A folder holding copies of fixture plugins under chosen names.
struct PluginFolder {
    TempDir dir;
    PluginFolder& with(const std::string& fixture, const std::string& as) {
        fs::copy_file(kDir / fixture, dir.path() / as);
        return *this;
    }
    fs::path path() const { return dir.path(); }
};

TEST(PluginHost, LoadsOnlyTheKindsTheProgramUsesAndListsEveryOtherFileAsSkipped) {
    Program program;
    program.plugins.discover(kDir, {{api::kind::kStorage, 0}});
    const auto records = program.plugins.records();

    const auto* placement = record_of(records, "vg-test-placement-a.so");
    ASSERT_NE(placement, nullptr);
    EXPECT_EQ(placement->status, host::PluginStatus::skipped);
    EXPECT_EQ(placement->reason, "kind placement not used by test-program");
    EXPECT_EQ(placement->name, "test-a") << "the descriptor was read to learn the kind";
    EXPECT_EQ(program.plugins.find(api::kind::kPlacement, "test-a"), nullptr);

    // Storage is used: the fixture that claims storage but makes a placement object loads.
    const auto* storage = record_of(records, "vg-test-wrong-interface.so");
    ASSERT_NE(storage, nullptr);
    EXPECT_EQ(storage->status, host::PluginStatus::loaded) << storage->reason;
    // Refusals and failures are still reported as such, not hidden as skipped.
    EXPECT_EQ(record_of(records, "vg-test-other-major.so")->status, host::PluginStatus::refused);
    EXPECT_EQ(record_of(records, "vg-test-missing-dependency.so")->status,
              host::PluginStatus::failed);
    EXPECT_EQ(host::to_string(host::PluginStatus::skipped), "skipped");
}

TEST(PluginHost, SkipsAFileNamedForAnUnusedKindWithoutOpeningIt) {
    // The file is really a placement plugin; its name says injection, so it is never opened (a
    // bridge does not map the storage plugins' database clients just to list them).
    PluginFolder folder;
    folder.with("vg-test-placement-a.so", "vg-injection-fake.so")
        .with("vg-test-missing-dependency.so", "vg-storage-broken.so");
    Program program;
    program.plugins.discover(folder.path(), {{api::kind::kPlacement, 0}});
    const auto records = program.plugins.records();
    ASSERT_EQ(records.size(), 2u);
    const auto* injection = record_of(records, "vg-injection-fake.so");
    EXPECT_EQ(injection->status, host::PluginStatus::skipped);
    EXPECT_EQ(injection->kind, "injection");
    EXPECT_EQ(injection->reason, "kind injection not used by test-program");
    EXPECT_TRUE(injection->name.empty()) << "the descriptor was not read";
    // Opening it would have failed (missing dependency): skipped proves it was not opened.
    EXPECT_EQ(record_of(records, "vg-storage-broken.so")->status, host::PluginStatus::skipped);
}

TEST(PluginHost, RefusesAPluginOlderThanTheMinorTheProgramNeedsForItsKind) {
    // A host one minor ahead of the fixtures, needing that minor for placement plugins.
    const auto next = static_cast<std::uint16_t>(api::kAbiMinor + 1);
    Program program("/srv/test-program", api::AbiVersion{api::kAbiMajor, next});
    program.plugins.discover(kDir, {{api::kind::kPlacement, next}, {api::kind::kStorage, 0}});
    const auto records = program.plugins.records();
    const auto* placement = record_of(records, "vg-test-placement-a.so");
    ASSERT_NE(placement, nullptr);
    EXPECT_EQ(placement->status, host::PluginStatus::refused);
    EXPECT_EQ(placement->reason, "vg-test-placement-a.so was built for plugin ABI " +
                                     api::kAbiVersion.to_string() + "; test-program needs ABI " +
                                     std::to_string(api::kAbiMajor) + "." + std::to_string(next) +
                                     " or newer for placement plugins: rebuild it against "
                                     "a newer SDK");
    // The same minor is fine for a kind that does not ask for more.
    EXPECT_EQ(record_of(records, "vg-test-wrong-interface.so")->status, host::PluginStatus::loaded);
}

TEST(PluginHost, EveryKindIsKnownAndTheNewerKindsNeedTheMinorTheyCameWith) {
    const auto kinds = host::every_kind();
    ASSERT_EQ(kinds.size(), 9u);
    ASSERT_EQ(kinds.size(), api::kind::kKnown.size());
    for (const auto& use : kinds) {
        const int expected = use.kind == api::kind::kSnapshotStore ? 5
                             : use.kind == api::kind::kMigration   ? 6
                             : use.kind == api::kind::kEventSink   ? 10
                             : use.kind == api::kind::kBlueprint   ? 11
                                                                   : 0;
        EXPECT_EQ(use.min_minor, expected) << use.kind;
    }
    EXPECT_EQ(host::kind_from_file_name("vg-snapshot_store-filesystem.so"), "snapshot_store");
    EXPECT_EQ(host::kind_from_file_name("vg-migration-oar.so"), "migration");
    EXPECT_EQ(host::kind_from_file_name("vg-event_sink-webhook.so"), "event_sink");
}

TEST(PluginHost, LoadsTheBuiltInMigrationStrategyOfAbi16AndCreatesIt) {
    Program program;
    program.plugins.discover(VERGEGRID_PLUGIN_DIR, {{api::kind::kMigration, 6}});
    const auto records = program.plugins.records();
    const auto* oar = record_of(records, "vg-migration-oar.so");
    ASSERT_NE(oar, nullptr);
    ASSERT_EQ(oar->status, host::PluginStatus::loaded) << oar->reason;
    EXPECT_EQ(oar->kind, "migration");
    EXPECT_EQ(oar->name, "oar");
    ASSERT_TRUE(oar->abi.has_value());
    EXPECT_EQ(oar->abi->to_string(), api::kAbiVersion.to_string());
    program.plugins.configure({}, [](const std::string&) { return std::optional<std::string>(); },
                              {});
    auto strategy = program.plugins.create<api::MigrationStrategy>("oar");
    ASSERT_NE(strategy, nullptr);
    EXPECT_EQ(strategy->plan({}).back(), api::MigrationStep::teardown_source);
    // Other kinds' files in the real plugin folder are skipped by name, never opened.
    const auto* sqlite = record_of(records, "vg-storage-sqlite.so");
    ASSERT_NE(sqlite, nullptr);
    EXPECT_EQ(sqlite->status, host::PluginStatus::skipped);
}

TEST(PluginHost, TheMigrationStrategyOarTakesNoConfigKey) {
    Program program;
    program.plugins.discover(VERGEGRID_PLUGIN_DIR, {{api::kind::kMigration, 6}});
    try {
        program.plugins.configure({{"migration.oar.warm_by_default", {"true", "file test.ini"}}},
                                  [](const std::string&) { return std::optional<std::string>(); },
                                  {});
        FAIL() << "expected a ConfigError";
    } catch (const vergegrid::config_sources::ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("migration.oar.warm_by_default: unknown key for plugin "
                                        "migration.oar"));
    }
}

TEST(PluginHost, AHostOfAbi15RefusesTheMigrationPluginItDoesNotSpeak) {
    // A 1.5 host stands in for last release's control plane meeting this build's plugin.
    Program program("/srv/test-program", api::AbiVersion{api::kAbiMajor, 5});
    program.plugins.discover(VERGEGRID_PLUGIN_DIR, host::every_kind());
    const auto records = program.plugins.records();
    const auto* oar = record_of(records, "vg-migration-oar.so");
    ASSERT_NE(oar, nullptr);
    EXPECT_EQ(oar->status, host::PluginStatus::refused);
    EXPECT_THAT(oar->reason, HasSubstr("vg-migration-oar.so was built for plugin ABI " +
                                       api::kAbiVersion.to_string()));
    EXPECT_THAT(oar->reason, HasSubstr("its minor is newer"));
    EXPECT_EQ(program.plugins.find(api::kind::kMigration, "oar"), nullptr);
}

TEST(PluginHost, RefusesAMigrationPluginBuiltBeforeItsKindExistedOrForAnotherMajor) {
    Program program;
    program.plugins.discover(kDir, host::every_kind());
    const auto records = program.plugins.records();
    const auto* old = record_of(records, "vg-test-old-migration.so");
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->status, host::PluginStatus::refused);
    EXPECT_EQ(old->reason, "vg-test-old-migration.so was built for plugin ABI " +
                               std::to_string(api::kAbiMajor) + ".5; test-program needs ABI " +
                               std::to_string(api::kAbiMajor) +
                               ".6 or newer for migration plugins: rebuild it against a "
                               "newer SDK");
    const auto* other = record_of(records, "vg-test-migration-other-major.so");
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->status, host::PluginStatus::refused);
    EXPECT_THAT(other->reason, HasSubstr("vg-test-migration-other-major.so was built for plugin "
                                         "ABI " +
                                         std::to_string(api::kAbiMajor + 1) + ".0"));
    EXPECT_THAT(other->reason, HasSubstr("majors must match"));
    EXPECT_EQ(program.plugins.find(api::kind::kMigration, "old-migration"), nullptr);
    EXPECT_EQ(program.plugins.find(api::kind::kMigration, "migration-other-major"), nullptr);
}

TEST(PluginHost, RefusesAPluginOfAKindNoAbiKnowsByItsName) {
    Program program;
    program.plugins.discover(kDir, host::every_kind());
    const auto records = program.plugins.records();
    const auto* unknown = record_of(records, "vg-test-unknown-kind.so");
    ASSERT_NE(unknown, nullptr);
    EXPECT_EQ(unknown->status, host::PluginStatus::refused);
    EXPECT_THAT(unknown->reason, HasSubstr("unknown plugin kind 'teleporter'"));
}

TEST(PluginHost, RefusesASnapshotStoreBuiltBeforeItsKindExisted) {
    Program program;
    program.plugins.discover(kDir, host::every_kind());
    const auto records = program.plugins.records();
    const auto* old = record_of(records, "vg-test-old-snapshot-store.so");
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->status, host::PluginStatus::refused);
    EXPECT_EQ(old->reason, "vg-test-old-snapshot-store.so was built for plugin ABI " +
                               std::to_string(api::kAbiMajor) + ".4; test-program needs ABI " +
                               std::to_string(api::kAbiMajor) +
                               ".5 or newer for snapshot_store plugins: rebuild it against a "
                               "newer SDK");
    EXPECT_EQ(program.plugins.find(api::kind::kSnapshotStore, "old-snapshot-store"), nullptr);
}

TEST(PluginHost, NamesTheProgramInAnAbiRefusal) {
    Program program;
    program.plugins.discover(kDir, {{api::kind::kPlacement, 0}});
    EXPECT_THAT(record_of(program.plugins.records(), "vg-test-newer-minor.so")->reason,
                HasSubstr("upgrade test-program or use an older build"));
}

TEST(PluginHost, CreatesObjectsConfiguredFromTheirSectionWithTheProgramsContext) {
    Program program("/srv/bridge-state");
    program.plugins.discover(kDir, {{api::kind::kPlacement, 0}});
    program.plugins.configure({{"placement.test-a.score", {"4.5", "file test.ini"}}},
                              [](const std::string& name) -> std::optional<std::string> {
                                  if (name == "VERGEGRID_PLACEMENT_TEST_B_SCORE") {
                                      return "7";
                                  }
                                  return std::nullopt;
                              },
                              {"VERGEGRID_PLACEMENT_TEST_B_SCORE"});
    auto a = program.plugins.create<api::PlacementPolicy>("test-a");
    auto b = program.plugins.create<api::PlacementPolicy>("test-b");
    api::SimulatorSnapshot sim;
    sim.state = "online";
    EXPECT_DOUBLE_EQ(a->score({}, sim), 4.5);
    EXPECT_DOUBLE_EQ(b->score({}, sim), 7.0);
    EXPECT_THAT(program.log_text.str(), HasSubstr("test plugin test-a created"));
    EXPECT_THAT(program.log_text.str(), HasSubstr("placement.test-a"))
        << "the plugin's logger is named after its section";

    const auto context = program.plugins.context_for(*program.plugins.find("placement", "test-a"));
    EXPECT_EQ(context.data_dir, "/srv/bridge-state") << "the program's own state folder";
    EXPECT_EQ(context.config.at("score"), "4.5");
    EXPECT_EQ(program.plugins.names(api::kind::kPlacement),
              (std::vector<std::string>{"test-a", "test-b", "throws"}));
}

TEST(PluginHost, RefusesAMistypedKeyInTheEnvironmentOfALoadedPlugin) {
    Program program;
    program.plugins.discover(kDir, {{api::kind::kPlacement, 0}});
    try {
        program.plugins.configure({},
                                  [](const std::string&) { return std::optional<std::string>(); },
                                  {"VERGEGRID_PLACEMENT_TEST_A_SCOER"});
        FAIL() << "expected a ConfigError";
    } catch (const vergegrid::config_sources::ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("placement.test-a.scoer: unknown key for plugin "
                                        "placement.test-a (from env "
                                        "VERGEGRID_PLACEMENT_TEST_A_SCOER)"));
    }
}

TEST(PluginHost, AsksForAPluginOfTheInterfacesKindOnly) {
    Program program;
    program.plugins.discover(kDir, {{api::kind::kPlacement, 0}, {api::kind::kStorage, 0}});
    program.plugins.configure({}, [](const std::string&) { return std::optional<std::string>(); },
                              {});
    // test-a is a placement plugin: there is no storage plugin of that name.
    try {
        program.plugins.create<api::StorageBackend>("test-a");
        FAIL() << "expected PluginMissing";
    } catch (const host::PluginMissing& e) {
        EXPECT_STREQ(e.what(), "no loaded storage plugin named 'test-a'");
    }
    // A skipped or refused plugin is missing too.
    EXPECT_THROW(program.plugins.create<api::PlacementPolicy>("other-major"), host::PluginMissing);
}

TEST(PluginDir, DefaultsToTheFolderHelpNamesBesideTheExecutable) {
    const auto dir = host::resolve_plugin_dir(std::nullopt);
    EXPECT_EQ(dir.filename(), "plugins");
    EXPECT_EQ(dir.parent_path().filename(), "vergegrid");
    EXPECT_EQ(dir.parent_path().parent_path().filename(), "lib");
    EXPECT_STREQ(host::kDefaultPluginDirHelp, "<bin>/../lib/vergegrid/plugins");
    EXPECT_EQ(host::resolve_plugin_dir(fs::path("/opt/plugins")), "/opt/plugins");
}

}  // namespace
