#include "kernel/config/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config_sources/config_error.hpp"
#include "tests/support/config_fixtures.hpp"

namespace {

namespace cfg = vergegrid::kernel::config;
namespace sources = vergegrid::config_sources;
using ::testing::HasSubstr;

using vergegrid::test::ConfigFile;
using vergegrid::test::env_of;
using vergegrid::test::keys_of;

TEST(Settings, DefaultsServeLoopbackWithAnEmbeddedDatabase) {
    const auto s = cfg::load_settings({}, env_of({}));
    EXPECT_EQ(s.listen_host, "127.0.0.1");
    EXPECT_EQ(s.listen_port, 9800);
    EXPECT_EQ(s.data_dir, "./data");
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
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("lisen", "log.format", "log.colour",
                                                                "http.max_connections",
                                                                "http.request_timeout_ms"));
        EXPECT_THAT(e.what(), HasSubstr("log.format: 'xml' is not one of text, json"));
        EXPECT_THAT(e.what(), HasSubstr("env VERGEGRID_HTTP_REQUEST_TIMEOUT_MS"));
        EXPECT_THAT(e.what(), HasSubstr("lisen: unknown key"));
    }
}

TEST(Settings, ParkedLongPollsHaveTheirOwnLimit) {
    EXPECT_EQ(cfg::load_settings({}, env_of({})).http.max_parked, 60000u);
    EXPECT_EQ(
        cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_MAX_PARKED", "50000"}})).http.max_parked,
        50000u);
    EXPECT_THROW(cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_MAX_PARKED", "0"}})),
                 sources::ConfigError);
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
                 sources::ConfigError);
    EXPECT_THROW(cfg::load_settings({}, env_of({{"VERGEGRID_HTTP_MAX_IDLE_CONNECTIONS", "0"}})),
                 sources::ConfigError);
}

TEST(Settings, RejectsAListenAddressWithoutAValidPort) {
    for (const std::string bad :
         {"127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", ":80", "host:http"}) {
        auto flags = cfg::CommandLine{};
        flags.listen = bad;
        EXPECT_THROW(cfg::load_settings(flags, env_of({})), sources::ConfigError) << bad;
    }
}

TEST(Settings, AMissingOrMalformedFileIsAConfigError) {
    EXPECT_THROW(
        cfg::load_settings(cfg::CommandLine{"/nonexistent/vergegrid.ini", {}, {}, {}}, env_of({})),
        sources::ConfigError);
    ConfigFile file("[log\nformat = json\n");
    EXPECT_THROW(cfg::load_settings(file.flags(), env_of({})), sources::ConfigError);
}

TEST(Settings, KeepsPluginSectionsForThePluginsToClaim) {
    ConfigFile file("[storage.sqlite]\npath = /srv/grid.db\n");
    const auto s = cfg::load_settings(file.flags(), env_of({}));
    ASSERT_EQ(s.plugin_values.count("storage.sqlite.path"), 1u);
    EXPECT_EQ(s.plugin_values.at("storage.sqlite.path").text, "/srv/grid.db");
}

}  // namespace
