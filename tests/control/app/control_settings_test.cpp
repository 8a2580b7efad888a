#include "control/app/control_settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config_sources/config_error.hpp"
#include "tests/support/config_fixtures.hpp"

namespace {

namespace cfg = vergegrid::kernel::config;
namespace sources = vergegrid::config_sources;
using ::testing::HasSubstr;

// The control plane's settings: the kernel's keys and its own, read in one pass.
vergegrid::control::ControlSettings load_control(const cfg::CommandLine& flags,
                                                 const sources::EnvLookup& env) {
    return vergegrid::control::load_control_settings(flags, env);
}

using vergegrid::test::ConfigFile;
using vergegrid::test::env_of;
using vergegrid::test::keys_of;

TEST(ControlSettings, ReadsThePlanWorkBudgetAndRefusesOneTooSmall) {
    EXPECT_EQ(load_control({}, env_of({})).placement.plan_work_budget, 200'000'000U);
    ConfigFile file("[placement]\nplan_work_budget = 5000000000\n");
    EXPECT_EQ(load_control(file.flags(), env_of({})).placement.plan_work_budget, 5'000'000'000U);
    ConfigFile bad("[placement]\nplan_work_budget = 0\n");
    try {
        load_control(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("placement.plan_work_budget"));
    }
}

// The engine's hard-rule limits (control/placement/hard_rules.hpp), the same for every policy.
TEST(ControlSettings, ReadsThePlacementEngineLimitsAndRefusesOutOfRangeOnes) {
    const auto defaults = load_control({}, env_of({})).placement;
    EXPECT_EQ(defaults.max_cpu_load, 0.9);
    EXPECT_EQ(defaults.max_memory_load, 0.9);
    EXPECT_EQ(defaults.max_regions, 0);
    ConfigFile file("[placement]\nmax_cpu_load = 0.75\nmax_memory_load = 1\nmax_regions = 40\n");
    const auto s = load_control(file.flags(), env_of({})).placement;
    EXPECT_EQ(s.max_cpu_load, 0.75);
    EXPECT_EQ(s.max_memory_load, 1.0);
    EXPECT_EQ(s.max_regions, 40);
    ConfigFile bad("[placement]\nmax_cpu_load = 1.5\nmax_memory_load = lots\nmax_regions = -1\n");
    try {
        load_control(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("placement.max_cpu_load",
                                                                "placement.max_memory_load",
                                                                "placement.max_regions"));
        EXPECT_THAT(e.what(), ::testing::HasSubstr("'1.5' is not a number from 0 to 1"));
    }
}

TEST(ControlSettings, ReadsThePlacementKeysAndChecksThePortRange) {
    ConfigFile file(
        "[placement]\npolicy = spread\nport_min = 9100\nport_max = 9199\n"
        "[placement.spread]\nmax_cpu_load = 0.8\n");
    const auto s = load_control(file.flags(), env_of({}));
    EXPECT_EQ(s.placement.policy, "spread");
    EXPECT_EQ(s.placement.port_min, 9100);
    EXPECT_EQ(s.placement.port_max, 9199);
    EXPECT_EQ(s.plugin_values.at("placement.spread.max_cpu_load").text, "0.8");
    EXPECT_FALSE(load_control({}, env_of({})).placement.policy.has_value());

    ConfigFile bad(
        "[placement]\npolicy = Round Robin\nport_min = 9500\nport_max = 9400\n"
        "ports = 1\n");
    try {
        load_control(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre(
                                    "placement.policy", "placement.port_max", "placement.ports"));
        EXPECT_THAT(e.what(), HasSubstr("must not be below placement.port_min (9500)"));
    }
}

TEST(ControlSettings, SimulatorsParkAFewPollsEachAndPushUrlsAreCheckedAgainstACaFile) {
    const auto defaults = load_control({}, env_of({}));
    EXPECT_EQ(defaults.simulators.max_parked_polls, 4);
    EXPECT_FALSE(defaults.simulators.push_ca_file.has_value()) << "the system's CAs";
    EXPECT_EQ(load_control({}, env_of({{"VERGEGRID_SIMULATORS_MAX_PARKED_POLLS", "2"}}))
                  .simulators.max_parked_polls,
              2);
    for (const std::string bad : {"0", "1001", "many"}) {
        try {
            load_control({}, env_of({{"VERGEGRID_SIMULATORS_MAX_PARKED_POLLS", bad}}));
            FAIL() << "expected a ConfigError for " << bad;
        } catch (const sources::ConfigError& e) {
            EXPECT_THAT(keys_of(e), ::testing::ElementsAre("simulators.max_parked_polls"));
        }
    }
    try {
        load_control({}, env_of({{"VERGEGRID_SIMULATORS_PUSH_CA_FILE", "/nonexistent.pem"}}));
        FAIL() << "a CA file that does not exist";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::ElementsAre("simulators.push_ca_file"));
    }
}

TEST(ControlSettings, GroupCommitIsOnUnlessTurnedOffAndTakesOnlyOnOrOff) {
    EXPECT_TRUE(load_control({}, env_of({})).storage_group_commit);
    EXPECT_FALSE(
        load_control({}, env_of({{"VERGEGRID_STORAGE_GROUP_COMMIT", "off"}})).storage_group_commit);
    EXPECT_TRUE(
        load_control({}, env_of({{"VERGEGRID_STORAGE_GROUP_COMMIT", "on"}})).storage_group_commit);
    try {
        load_control({}, env_of({{"VERGEGRID_STORAGE_GROUP_COMMIT", "yes"}}));
        FAIL() << "only on or off";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::ElementsAre("storage.group_commit"));
    }
    EXPECT_THAT(vergegrid::control::control_env_names(),
                ::testing::Contains("VERGEGRID_STORAGE_GROUP_COMMIT"));
}

TEST(ControlSettings, SimulatorsGoOfflineAfterAConfiguredSilence) {
    EXPECT_EQ(load_control({}, env_of({})).simulators.offline_after, std::chrono::seconds(90));
    ConfigFile file("[simulators]\noffline_after_s = 12\n");
    EXPECT_EQ(load_control(file.flags(), env_of({})).simulators.offline_after,
              std::chrono::seconds(12));
    for (const std::string bad : {"0", "-1", "86401", "soon"}) {
        try {
            load_control({}, env_of({{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", bad}}));
            FAIL() << "expected a ConfigError for " << bad;
        } catch (const sources::ConfigError& e) {
            EXPECT_THAT(keys_of(e), ::testing::ElementsAre("simulators.offline_after_s"));
        }
    }
    ConfigFile unknown("[simulators]\noffline_after = 12\n");
    EXPECT_THROW(load_control(unknown.flags(), env_of({})), sources::ConfigError);
}

TEST(ControlSettings, LoginThrottleKeysHaveDefaultsAndAreCheckedByName) {
    const auto defaults = load_control({}, env_of({})).login_throttle;
    EXPECT_EQ(defaults.failures_per_name, 5);
    EXPECT_EQ(defaults.failures_per_address, 20);
    EXPECT_EQ(defaults.lockout, std::chrono::seconds(60));
    EXPECT_EQ(defaults.window, std::chrono::seconds(900));
    EXPECT_EQ(defaults.max_parallel_checks, 4);
    ConfigFile file(
        "[auth]\nlogin_failures_per_name = 3\nlogin_failures_per_address = 9\n"
        "login_lockout_s = 30\nlogin_window_s = 600\nlogin_max_parallel_checks = 2\n");
    const auto set = load_control(file.flags(), env_of({})).login_throttle;
    EXPECT_EQ(set.failures_per_name, 3);
    EXPECT_EQ(set.failures_per_address, 9);
    EXPECT_EQ(set.lockout, std::chrono::seconds(30));
    EXPECT_EQ(set.window, std::chrono::seconds(600));
    EXPECT_EQ(set.max_parallel_checks, 2);
    try {
        load_control({}, env_of({{"VERGEGRID_AUTH_LOGIN_FAILURES_PER_NAME", "0"},
                                 {"VERGEGRID_AUTH_LOGIN_FAILURES_PER_ADDRESS", "many"},
                                 {"VERGEGRID_AUTH_LOGIN_LOCKOUT_S", "0"},
                                 {"VERGEGRID_AUTH_LOGIN_WINDOW_S", "86401"},
                                 {"VERGEGRID_AUTH_LOGIN_MAX_PARALLEL_CHECKS", "0"}}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre(
                                    "auth.login_failures_per_name",
                                    "auth.login_failures_per_address", "auth.login_lockout_s",
                                    "auth.login_window_s", "auth.login_max_parallel_checks"));
    }
}

TEST(ControlSettings, DefaultsUseTheBuiltInPluginsAndTheKernelsDefaults) {
    const auto s = load_control({}, env_of({}));
    EXPECT_EQ(s.storage_backend, "sqlite");
    EXPECT_EQ(s.auth_provider, "builtin");
    EXPECT_EQ(s.sync_scheduler, "hybrid");
    EXPECT_EQ(s.listen_port, 9800);
    EXPECT_EQ(s.data_dir, "./data");
}

// docs/configuration.md's sync.scheduler, from the file and the environment.
TEST(ControlSettings, ReadsTheSyncScheduler) {
    ConfigFile file("[sync]\nscheduler = eager-only\n");
    EXPECT_EQ(load_control(file.flags(), env_of({})).sync_scheduler, "eager-only");
    EXPECT_EQ(load_control({}, env_of({{"VERGEGRID_SYNC_SCHEDULER", "other"}})).sync_scheduler,
              "other");
}

TEST(ControlSettings, ReportsTheKernelsAndTheControlPlanesBadKeysInOneError) {
    ConfigFile file(
        "[http]\nmax_connections = 0\n[placement]\nport_min = x\n[sync]\nmode = eager\n");
    try {
        load_control(file.flags(), env_of({{"VERGEGRID_SIMULATORS_MAX_PARKED_POLLS", "0"}}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e),
                    ::testing::UnorderedElementsAre("http.max_connections", "placement.port_min",
                                                    "sync.mode", "simulators.max_parked_polls"));
    }
}

TEST(ControlSettings, TheKernelAloneKnowsNoControlPlaneKey) {
    // [placement] port_min is the control plane's: the kernel leaves two-part keys of sections it
    // does not own to the layer above, and three-part ones to the plugins.
    ConfigFile file("[placement]\nport_min = 9100\n[placement.spread]\nmax_cpu_load = 0.8\n");
    const auto kernel_only = cfg::load_settings(file.flags(), env_of({}));
    EXPECT_EQ(kernel_only.plugin_values.count("placement.port_min"), 1u);
    const auto control = load_control(file.flags(), env_of({}));
    EXPECT_EQ(control.placement.port_min, 9100);
    EXPECT_EQ(control.plugin_values.count("placement.port_min"), 0u);
    EXPECT_EQ(control.plugin_values.count("placement.spread.max_cpu_load"), 1u);
}

TEST(ControlSettings, ItsOwnVariablesAreNeverTakenForAPluginsKeys) {
    const auto names = vergegrid::control::control_env_names();
    EXPECT_THAT(names, ::testing::Contains("VERGEGRID_PLACEMENT_PORT_MIN"));
    EXPECT_THAT(names, ::testing::Contains("VERGEGRID_LISTEN"));
    EXPECT_THAT(names, ::testing::Contains("VERGEGRID_AUTH_LOGIN_WINDOW_S"));
}

}  // namespace

namespace {

// [snapshots] (docs/snapshots.md): the store, the chunk limit, the jobs and retention per
// lifecycle, from the file or the environment; out-of-range values refused by name.
TEST(ControlSettings, ReadsTheSnapshotSettingsAndRefusesOutOfRangeOnes) {
    const auto defaults = load_control({}, env_of({}));
    EXPECT_EQ(defaults.snapshots.store, "filesystem");
    EXPECT_FALSE(defaults.snapshot_store_configured);
    EXPECT_EQ(defaults.snapshots.max_chunk_bytes, 8U << 20);
    EXPECT_EQ(defaults.snapshots.persistent.keep_last, 5);
    ConfigFile file(
        "[snapshots]\nstore = filesystem\nmax_chunk_bytes = 65536\nsave_timeout_s = 60\n"
        "schedule_interval_s = 0\nretention_interval_s = 5\npremium_keep_last = 50\n"
        "premium_keep_daily_days = 90\nephemeral_keep_last = 0\n");
    const auto s = load_control(file.flags(),
                                env_of({{"VERGEGRID_SNAPSHOTS_PERSISTENT_KEEP_DAILY_DAYS", "3"}}));
    EXPECT_TRUE(s.snapshot_store_configured);
    EXPECT_EQ(s.snapshots.max_chunk_bytes, 65536U);
    EXPECT_EQ(s.snapshots.save_timeout.count(), 60);
    EXPECT_EQ(s.snapshots.schedule_interval.count(), 0);
    EXPECT_EQ(s.snapshots.retention_interval.count(), 5);
    EXPECT_EQ(s.snapshots.premium.keep_last, 50);
    EXPECT_EQ(s.snapshots.premium.keep_daily_days, 90);
    EXPECT_EQ(s.snapshots.ephemeral.keep_last, 0);
    EXPECT_EQ(s.snapshots.persistent.keep_daily_days, 3);
    EXPECT_EQ(s.snapshots.retention("premium").keep_last, 50);
    ConfigFile bad("[snapshots]\nmax_chunk_bytes = 12\nsave_timeout_s = forever\nkeep_all = 1\n");
    try {
        load_control(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("snapshots.max_chunk_bytes",
                                                                "snapshots.save_timeout_s",
                                                                "snapshots.keep_all"));
    }
}

}  // namespace

namespace {

// [migration] strategy: unset means the default "oar" if it loads; set, it must load. A name that
// cannot be a plugin's is refused by key.
TEST(ControlSettings, ReadsTheMigrationStrategy) {
    const auto defaults = load_control({}, env_of({}));
    EXPECT_FALSE(defaults.migration_strategy.has_value());
    EXPECT_STREQ(vergegrid::control::kDefaultMigrationStrategy, "oar");
    ConfigFile file("[migration]\nstrategy = oar\n");
    EXPECT_EQ(load_control(file.flags(), env_of({})).migration_strategy, "oar");
    EXPECT_EQ(load_control({}, env_of({{"VERGEGRID_MIGRATION_STRATEGY", "custom-moves"}}))
                  .migration_strategy,
              "custom-moves");
    ConfigFile bad("[migration]\nstrategy = Not A Name\nwarm = 1\n");
    try {
        load_control(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e),
                    ::testing::UnorderedElementsAre("migration.strategy", "migration.warm"));
    }
}

TEST(ControlSettings, MovesFailAStepAfterAConfiguredTimeout) {
    EXPECT_EQ(load_control({}, env_of({})).migration_step_timeout_s, 1800);
    ConfigFile file("[migration]\nstep_timeout_s = 0\n");
    EXPECT_EQ(load_control(file.flags(), env_of({})).migration_step_timeout_s, 0);
    for (const std::string bad : {"-1", "86401", "soon"}) {
        try {
            load_control({}, env_of({{"VERGEGRID_MIGRATION_STEP_TIMEOUT_S", bad}}));
            FAIL() << "expected a ConfigError for " << bad;
        } catch (const sources::ConfigError& e) {
            EXPECT_THAT(keys_of(e), ::testing::ElementsAre("migration.step_timeout_s"));
        }
    }
}

TEST(ControlSettings, HaKeysHaveDefaultsAndAreCheckedByName) {
    const auto defaults = load_control({}, env_of({}));
    EXPECT_EQ(defaults.ha.failover, std::chrono::seconds(10));
    EXPECT_EQ(defaults.ha.poll_recheck, std::chrono::seconds(5));
    EXPECT_EQ(defaults.ha.name, "");
    EXPECT_EQ(defaults.ha.advertise_url, "");
    ConfigFile file(
        "[ha]\nfailover_s = 6\npoll_recheck_s = 0\nname = cp1 east\n"
        "advertise_url = https://cp1.example:9800\n");
    const auto set = load_control(file.flags(), env_of({}));
    EXPECT_EQ(set.ha.failover, std::chrono::seconds(6));
    EXPECT_EQ(set.ha.poll_recheck, std::chrono::seconds(0));
    EXPECT_EQ(set.ha.name, "cp1 east");
    EXPECT_EQ(set.ha.advertise_url, "https://cp1.example:9800");
    const std::vector<std::pair<std::string, std::string>> bad{
        {"VERGEGRID_HA_FAILOVER_S", "2"},
        {"VERGEGRID_HA_POLL_RECHECK_S", "-1"},
        {"VERGEGRID_HA_NAME", std::string(256, 'x')},
        {"VERGEGRID_HA_ADVERTISE_URL", "ftp://cp1.example"},
        {"VERGEGRID_HA_ADVERTISE_URL", "http://"},
        {"VERGEGRID_HA_ADVERTISE_URL", "http://cp1 .example"}};
    for (const auto& [variable, value] : bad) {
        try {
            load_control({}, env_of({{variable, value}}));
            FAIL() << "expected a ConfigError for " << variable << "=" << value;
        } catch (const sources::ConfigError& e) {
            std::string key = variable.substr(std::string("VERGEGRID_").size());
            for (auto& c : key) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            key.replace(key.find('_'), 1, ".");
            EXPECT_THAT(keys_of(e), ::testing::ElementsAre(key)) << value;
        }
    }
}

}  // namespace

namespace {

// [blueprints] load: the built-in two unless set; "" loads none; a bad name is refused by key.
TEST(ControlSettings, BlueprintsLoadTheBuiltInOnesUnlessListed) {
    const auto defaults = load_control({}, env_of({}));
    EXPECT_THAT(defaults.blueprints.load, ::testing::ElementsAre("grid", "island-chain"));
    EXPECT_FALSE(defaults.blueprints.load_configured);
    ConfigFile file("[blueprints]\nload = grid, hello-blueprint\n");
    const auto listed = load_control(file.flags(), env_of({}));
    EXPECT_THAT(listed.blueprints.load, ::testing::ElementsAre("grid", "hello-blueprint"));
    EXPECT_TRUE(listed.blueprints.load_configured);
    EXPECT_TRUE(
        load_control({}, env_of({{"VERGEGRID_BLUEPRINTS_LOAD", ""}})).blueprints.load.empty());
    try {
        load_control({}, env_of({{"VERGEGRID_BLUEPRINTS_LOAD", "grid,,Bad"}}));
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::ElementsAre("blueprints.load"));
    }
}

}  // namespace
