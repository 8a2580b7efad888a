#include "kernel/config/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "kernel/config/config_error.hpp"
#include "kernel/config/plugin_sections.hpp"

namespace {

namespace cfg = vergegrid::kernel::config;
using ::testing::HasSubstr;

cfg::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

class ConfigFile {
  public:
    explicit ConfigFile(const std::string& text)
        : path_(std::filesystem::temp_directory_path() /
                ("vergegrid-config-" +
                 std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ini")) {
        std::ofstream(path_) << text;
    }
    ~ConfigFile() { std::filesystem::remove(path_); }
    cfg::CommandLine flags() const { return cfg::CommandLine{path_, {}, {}, {}}; }

  private:
    std::filesystem::path path_;
};

std::vector<std::string> keys_of(const cfg::ConfigError& e) {
    std::vector<std::string> keys;
    for (const auto& issue : e.issues()) {
        keys.push_back(issue.key);
    }
    return keys;
}

TEST(Settings, DefaultsServeLoopbackWithAnEmbeddedDatabase) {
    const auto s = cfg::load_settings({}, env_of({}));
    EXPECT_EQ(s.listen_host, "127.0.0.1");
    EXPECT_EQ(s.listen_port, 9800);
    EXPECT_EQ(s.data_dir, "./data");
    EXPECT_EQ(s.storage_backend, "sqlite");
    EXPECT_EQ(s.log.format, "text");
    EXPECT_FALSE(s.plugin_dir.has_value());
}

TEST(Settings, ReadsTheIniFile) {
    ConfigFile file(
        "listen = 0.0.0.0:9900\ndata_dir = /var/lib/vergegrid\n[log]\nformat = json\nlevel = "
        "debug\n"
        "[http]\nmax_body_bytes = 2048\n");
    const auto s = cfg::load_settings(file.flags(), env_of({}));
    EXPECT_EQ(s.listen_host, "0.0.0.0");
    EXPECT_EQ(s.listen_port, 9900);
    EXPECT_EQ(s.data_dir, "/var/lib/vergegrid");
    EXPECT_EQ(s.log.format, "json");
    EXPECT_EQ(s.log.level, "debug");
    EXPECT_EQ(s.http.max_body_bytes, 2048u);
}

TEST(Settings, EnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment) {
    ConfigFile file("listen = 127.0.0.1:1000\n[log]\nformat = text\n");
    auto s = cfg::load_settings(file.flags(), env_of({{"VERGEGRID_LISTEN", "127.0.0.1:2000"},
                                                      {"VERGEGRID_LOG_FORMAT", "json"},
                                                      {"VERGEGRID_DATA_DIR", "/tmp/vg"}}));
    EXPECT_EQ(s.listen_port, 2000);
    EXPECT_EQ(s.log.format, "json");
    EXPECT_EQ(s.data_dir, "/tmp/vg");

    auto flags = file.flags();
    flags.listen = "127.0.0.1:3000";
    s = cfg::load_settings(flags, env_of({{"VERGEGRID_LISTEN", "127.0.0.1:2000"}}));
    EXPECT_EQ(s.listen_port, 3000);
}

TEST(Settings, ReportsEveryUnknownKeyAndBadValueByName) {
    ConfigFile file(
        "lisen = 127.0.0.1:1\n[log]\nformat = xml\ncolour = yes\n[http]\nmax_connections = -3\n");
    try {
        cfg::load_settings(file.flags(), env_of({{"VERGEGRID_HTTP_REQUEST_TIMEOUT_MS", "soon"}}));
        FAIL() << "expected a ConfigError";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("lisen", "log.format", "log.colour",
                                                                "http.max_connections",
                                                                "http.request_timeout_ms"));
        EXPECT_THAT(e.what(), HasSubstr("log.format: 'xml' is not one of text, json"));
        EXPECT_THAT(e.what(), HasSubstr("env VERGEGRID_HTTP_REQUEST_TIMEOUT_MS"));
        EXPECT_THAT(e.what(), HasSubstr("lisen: unknown key"));
    }
}

TEST(Settings, ReadsThePlanWorkBudgetAndRefusesOneTooSmall) {
    EXPECT_EQ(cfg::load_settings({}, env_of({})).placement.plan_work_budget, 200'000'000U);
    ConfigFile file("[placement]\nplan_work_budget = 5000000000\n");
    EXPECT_EQ(cfg::load_settings(file.flags(), env_of({})).placement.plan_work_budget,
              5'000'000'000U);
    ConfigFile bad("[placement]\nplan_work_budget = 0\n");
    try {
        cfg::load_settings(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("placement.plan_work_budget"));
    }
}

TEST(Settings, ReadsThePlacementKeysAndChecksThePortRange) {
    ConfigFile file(
        "[placement]\npolicy = spread\nport_min = 9100\nport_max = 9199\n"
        "[placement.spread]\nmax_cpu_load = 0.8\n");
    const auto s = cfg::load_settings(file.flags(), env_of({}));
    EXPECT_EQ(s.placement.policy, "spread");
    EXPECT_EQ(s.placement.port_min, 9100);
    EXPECT_EQ(s.placement.port_max, 9199);
    EXPECT_EQ(s.plugin_values.at("placement.spread.max_cpu_load").text, "0.8");
    EXPECT_FALSE(cfg::load_settings({}, env_of({})).placement.policy.has_value());

    ConfigFile bad(
        "[placement]\npolicy = Round Robin\nport_min = 9500\nport_max = 9400\n"
        "ports = 1\n");
    try {
        cfg::load_settings(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre(
                                    "placement.policy", "placement.port_max", "placement.ports"));
        EXPECT_THAT(e.what(), HasSubstr("must not be below placement.port_min (9500)"));
    }
}

// The engine's hard-rule limits (control/placement/hard_rules.hpp), the same for every policy.
TEST(Settings, ReadsThePlacementEngineLimitsAndRefusesOutOfRangeOnes) {
    const auto defaults = cfg::load_settings({}, env_of({})).placement;
    EXPECT_EQ(defaults.max_cpu_load, 0.9);
    EXPECT_EQ(defaults.max_memory_load, 0.9);
    EXPECT_EQ(defaults.max_regions, 0);
    ConfigFile file("[placement]\nmax_cpu_load = 0.75\nmax_memory_load = 1\nmax_regions = 40\n");
    const auto s = cfg::load_settings(file.flags(), env_of({})).placement;
    EXPECT_EQ(s.max_cpu_load, 0.75);
    EXPECT_EQ(s.max_memory_load, 1.0);
    EXPECT_EQ(s.max_regions, 40);
    ConfigFile bad("[placement]\nmax_cpu_load = 1.5\nmax_memory_load = lots\nmax_regions = -1\n");
    try {
        cfg::load_settings(bad.flags(), env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("placement.max_cpu_load",
                                                                "placement.max_memory_load",
                                                                "placement.max_regions"));
        EXPECT_THAT(e.what(), HasSubstr("'1.5' is not a number from 0 to 1"));
    }
}

TEST(Settings, SimulatorsParkAFewPollsEachAndPushUrlsAreCheckedAgainstACaFile) {
    const auto defaults = cfg::load_settings({}, env_of({}));
    EXPECT_EQ(defaults.simulators.max_parked_polls, 4);
    EXPECT_FALSE(defaults.simulators.push_ca_file.has_value()) << "the system's CAs";
    EXPECT_EQ(cfg::load_settings({}, env_of({{"VERGEGRID_SIMULATORS_MAX_PARKED_POLLS", "2"}}))
                  .simulators.max_parked_polls,
              2);
    for (const std::string bad : {"0", "1001", "many"}) {
        try {
            cfg::load_settings({}, env_of({{"VERGEGRID_SIMULATORS_MAX_PARKED_POLLS", bad}}));
            FAIL() << "expected a ConfigError for " << bad;
        } catch (const cfg::ConfigError& e) {
            EXPECT_THAT(keys_of(e), ::testing::ElementsAre("simulators.max_parked_polls"));
        }
    }
    try {
        cfg::load_settings({}, env_of({{"VERGEGRID_SIMULATORS_PUSH_CA_FILE", "/nonexistent.pem"}}));
        FAIL() << "a CA file that does not exist";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::ElementsAre("simulators.push_ca_file"));
    }
}

TEST(Settings, SimulatorsGoOfflineAfterAConfiguredSilence) {
    EXPECT_EQ(cfg::load_settings({}, env_of({})).simulators.offline_after,
              std::chrono::seconds(90));
    ConfigFile file("[simulators]\noffline_after_s = 12\n");
    EXPECT_EQ(cfg::load_settings(file.flags(), env_of({})).simulators.offline_after,
              std::chrono::seconds(12));
    for (const std::string bad : {"0", "-1", "86401", "soon"}) {
        try {
            cfg::load_settings({}, env_of({{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", bad}}));
            FAIL() << "expected a ConfigError for " << bad;
        } catch (const cfg::ConfigError& e) {
            EXPECT_THAT(keys_of(e), ::testing::ElementsAre("simulators.offline_after_s"));
        }
    }
    ConfigFile unknown("[simulators]\noffline_after = 12\n");
    EXPECT_THROW(cfg::load_settings(unknown.flags(), env_of({})), cfg::ConfigError);
}

TEST(Settings, LoginThrottleKeysHaveDefaultsAndAreCheckedByName) {
    const auto defaults = cfg::load_settings({}, env_of({})).login_throttle;
    EXPECT_EQ(defaults.failures_per_name, 5);
    EXPECT_EQ(defaults.failures_per_address, 20);
    EXPECT_EQ(defaults.lockout, std::chrono::seconds(60));
    EXPECT_EQ(defaults.window, std::chrono::seconds(900));
    EXPECT_EQ(defaults.max_parallel_checks, 4);
    ConfigFile file(
        "[auth]\nlogin_failures_per_name = 3\nlogin_failures_per_address = 9\n"
        "login_lockout_s = 30\nlogin_window_s = 600\nlogin_max_parallel_checks = 2\n");
    const auto set = cfg::load_settings(file.flags(), env_of({})).login_throttle;
    EXPECT_EQ(set.failures_per_name, 3);
    EXPECT_EQ(set.failures_per_address, 9);
    EXPECT_EQ(set.lockout, std::chrono::seconds(30));
    EXPECT_EQ(set.window, std::chrono::seconds(600));
    EXPECT_EQ(set.max_parallel_checks, 2);
    try {
        cfg::load_settings({}, env_of({{"VERGEGRID_AUTH_LOGIN_FAILURES_PER_NAME", "0"},
                                       {"VERGEGRID_AUTH_LOGIN_FAILURES_PER_ADDRESS", "many"},
                                       {"VERGEGRID_AUTH_LOGIN_LOCKOUT_S", "0"},
                                       {"VERGEGRID_AUTH_LOGIN_WINDOW_S", "86401"},
                                       {"VERGEGRID_AUTH_LOGIN_MAX_PARALLEL_CHECKS", "0"}}));
        FAIL() << "expected a ConfigError";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre(
                                    "auth.login_failures_per_name",
                                    "auth.login_failures_per_address", "auth.login_lockout_s",
                                    "auth.login_window_s", "auth.login_max_parallel_checks"));
    }
}

TEST(Settings, ParkedLongPollsHaveTheirOwnLimit) {
    EXPECT_EQ(cfg::load_settings({}, env_of({})).http.max_parked, 20000u);
    EXPECT_EQ(
        cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_MAX_PARKED", "50000"}})).http.max_parked,
        50000u);
    EXPECT_THROW(cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_MAX_PARKED", "0"}})),
                 cfg::ConfigError);
}

TEST(Settings, RequestHeadsHaveOneDeadlineAndIdleConnectionsALimit) {
    const auto defaults = cfg::load_settings({}, env_of({}));
    EXPECT_EQ(defaults.http.head_timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(defaults.http.max_idle_connections, 10000u);
    const auto set = cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_HEAD_TIMEOUT_MS", "2500"},
                                                    {"VERGEGRID_HTTP_MAX_IDLE_CONNECTIONS", "7"}}));
    EXPECT_EQ(set.http.head_timeout, std::chrono::milliseconds(2500));
    EXPECT_EQ(set.http.max_idle_connections, 7u);
    EXPECT_THROW(cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_HEAD_TIMEOUT_MS", "0"}})),
                 cfg::ConfigError);
    EXPECT_THROW(cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_MAX_IDLE_CONNECTIONS", "0"}})),
                 cfg::ConfigError);
}

TEST(Settings, RejectsAListenAddressWithoutAValidPort) {
    for (const std::string bad :
         {"127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", ":80", "host:http"}) {
        auto flags = cfg::CommandLine{};
        flags.listen = bad;
        EXPECT_THROW(cfg::load_settings(flags, env_of({})), cfg::ConfigError) << bad;
    }
}

TEST(Settings, AMissingOrMalformedFileIsAConfigError) {
    EXPECT_THROW(
        cfg::load_settings(cfg::CommandLine{"/nonexistent/vergegrid.ini", {}, {}, {}}, env_of({})),
        cfg::ConfigError);
    ConfigFile file("[log\nformat = json\n");
    EXPECT_THROW(cfg::load_settings(file.flags(), env_of({})), cfg::ConfigError);
}

TEST(Settings, KeepsPluginSectionsForThePluginsToClaim) {
    ConfigFile file("[storage.sqlite]\npath = /srv/grid.db\n");
    const auto s = cfg::load_settings(file.flags(), env_of({}));
    ASSERT_EQ(s.plugin_values.count("storage.sqlite.path"), 1u);
    EXPECT_EQ(s.plugin_values.at("storage.sqlite.path").text, "/srv/grid.db");
}

TEST(PluginSections, ResolvesDeclaredKeysWithEnvironmentOverrides) {
    cfg::ValueMap values{{"storage.sqlite.path", {"/srv/grid.db", "file x"}},
                         {"storage.sqlite.busy_timeout_ms", {"100", "file x"}}};
    const auto sections =
        cfg::resolve_plugin_sections(values, {{"storage", "sqlite", {"path", "busy_timeout_ms"}}},
                                     env_of({{"VERGEGRID_STORAGE_SQLITE_BUSY_TIMEOUT_MS", "250"}}));
    EXPECT_EQ(sections.at("storage.sqlite").at("path"), "/srv/grid.db");
    EXPECT_EQ(sections.at("storage.sqlite").at("busy_timeout_ms"), "250");
}

TEST(PluginSections, ReportsUndeclaredKeysAndSectionsWithoutAPlugin) {
    cfg::ValueMap values{{"storage.sqlite.pth", {"x", "file x"}},
                         {"placement.nothing.weight", {"1", "file x"}}};
    try {
        cfg::resolve_plugin_sections(values, {{"storage", "sqlite", {"path"}}}, env_of({}));
        FAIL() << "expected a ConfigError";
    } catch (const cfg::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("storage.sqlite.pth",
                                                                "placement.nothing.weight"));
        EXPECT_THAT(e.what(), HasSubstr("no plugin [placement.nothing]"));
    }
}

}  // namespace
