#include "plugin_host/plugin_sections.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_sources/config_error.hpp"

namespace {

namespace host = vergegrid::plugin_host;
namespace sources = vergegrid::config_sources;
using ::testing::HasSubstr;

sources::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

std::vector<std::string> keys_of(const sources::ConfigError& e) {
    std::vector<std::string> keys;
    for (const auto& issue : e.issues()) {
        keys.push_back(issue.key);
    }
    return keys;
}

TEST(PluginSections, ResolvesDeclaredKeysWithEnvironmentOverrides) {
    sources::ValueMap values{{"storage.sqlite.path", {"/srv/grid.db", "file x"}},
                             {"storage.sqlite.busy_timeout_ms", {"100", "file x"}}};
    const auto sections =
        host::resolve_plugin_sections(values, {{"storage", "sqlite", {"path", "busy_timeout_ms"}}},
                                      env_of({{"VERGEGRID_STORAGE_SQLITE_BUSY_TIMEOUT_MS", "250"}}),
                                      {"VERGEGRID_STORAGE_SQLITE_BUSY_TIMEOUT_MS"});
    EXPECT_EQ(sections.at("storage.sqlite").at("path"), "/srv/grid.db");
    EXPECT_EQ(sections.at("storage.sqlite").at("busy_timeout_ms"), "250");
}

TEST(PluginSections, ReportsUndeclaredKeysAndSectionsWithoutAPlugin) {
    sources::ValueMap values{{"storage.sqlite.pth", {"x", "file x"}},
                             {"placement.nothing.weight", {"1", "file x"}}};
    try {
        host::resolve_plugin_sections(values, {{"storage", "sqlite", {"path"}}}, env_of({}), {});
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::UnorderedElementsAre("storage.sqlite.pth",
                                                                "placement.nothing.weight"));
        EXPECT_THAT(e.what(), HasSubstr("no plugin [placement.nothing]"));
    }
}

TEST(PluginSections, RefusesAMistypedKeyInTheEnvironmentNamingTheVariable) {
    const std::vector<host::PluginKeys> plugins{{"placement", "basic-rules", {"max_cpu_load"}}};
    const std::map<std::string, std::string> env{{"VERGEGRID_PLACEMENT_BASIC_RULES_BOGUS", "1"}};
    try {
        host::resolve_plugin_sections({}, plugins, env_of(env),
                                      {"VERGEGRID_PLACEMENT_BASIC_RULES_BOGUS"});
        FAIL() << "a mistyped variable must be refused like a mistyped key in the file";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::ElementsAre("placement.basic-rules.bogus"));
        EXPECT_THAT(e.what(), HasSubstr("unknown key for plugin placement.basic-rules (from env "
                                        "VERGEGRID_PLACEMENT_BASIC_RULES_BOGUS)"));
    }
}

TEST(PluginSections, TakesADeclaredKeyFromTheEnvironmentAndIgnoresOtherPrograms) {
    const std::vector<host::PluginKeys> plugins{{"placement", "basic-rules", {"max_cpu_load"}}};
    const std::map<std::string, std::string> env{
        {"VERGEGRID_PLACEMENT_BASIC_RULES_MAX_CPU_LOAD", "0.5"},
        {"VERGEGRID_PLACEMENT_PORT_MIN", "9100"},          // the program's own key
        {"VERGEGRID_INJECTION_HYBRID_ANYTHING", "1"},      // a plugin this program did not load
        {"VERGEGRID_PLACEMENT_BASIC_RULES_WEIGHT", "2"}};  // the program says it is its own
    std::vector<std::string> names;
    for (const auto& [name, value] : env) {
        names.push_back(name);
    }
    const auto sections = host::resolve_plugin_sections(
        {}, plugins, env_of(env), names,
        {"VERGEGRID_PLACEMENT_PORT_MIN", "VERGEGRID_PLACEMENT_BASIC_RULES_WEIGHT"});
    EXPECT_EQ(sections.at("placement.basic-rules").at("max_cpu_load"), "0.5");
    EXPECT_EQ(sections.at("placement.basic-rules").size(), 1u);
}

TEST(PluginSections, ReportsTheFilesAndTheEnvironmentsMistakesTogether) {
    sources::ValueMap values{{"storage.sqlite.pth", {"x", "file x"}}};
    try {
        host::resolve_plugin_sections(values, {{"storage", "sqlite", {"path"}}}, env_of({}),
                                      {"VERGEGRID_STORAGE_SQLITE_PTH"});
        FAIL() << "expected a ConfigError";
    } catch (const sources::ConfigError& e) {
        EXPECT_THAT(keys_of(e), ::testing::ElementsAre("storage.sqlite.pth", "storage.sqlite.pth"));
        EXPECT_THAT(e.what(), HasSubstr("(from file x)"));
        EXPECT_THAT(e.what(), HasSubstr("(from env VERGEGRID_STORAGE_SQLITE_PTH)"));
    }
}

}  // namespace
