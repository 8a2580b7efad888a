// The example configurations the Debian packages install as /etc/vergegrid/control.ini and
// /etc/vergegrid/bridge.ini (deploy/debian/): every key the program accepts is there, set or
// commented out, and nothing else; the file loads as shipped; and with every commented-out default
// uncommented it still loads (so each default shown is a value the program takes).
//
// The keys come from the programs themselves: the VERGEGRID_* variables each one reads as its own
// settings (one per key: control_env_names(), bridge_env_names()) and the keys the built-in
// plugins of the kinds it loads declare (their descriptors, read by the plugin host).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "config_sources/config_error.hpp"
#include "config_sources/sources.hpp"
#include "control/app/control_plane.hpp"
#include "control/app/control_settings.hpp"
#include "plugin_host/plugin_host.hpp"
#include "sim_bridge/bridge_settings.hpp"
#include "tests/support/temp_dir.hpp"
#include "vergegrid/plugin_api/plugin.hpp"

namespace {

namespace fs = std::filesystem;
namespace config = vergegrid::config_sources;
namespace host = vergegrid::plugin_host;
namespace api = vergegrid::plugin_api;
using vergegrid::test::TempDir;

const fs::path kExamples = VERGEGRID_DEBIAN_DIR;
const fs::path kPluginDir = VERGEGRID_PLUGIN_DIR;

// One key line of an example file: `key = value` (set) or `#key = value` (commented out, its
// default); sections likewise `[section]` or `#[section]`. Explanations are `# text`.
struct Entry {
    std::string section;
    std::string key;  // without the section
    std::string value;
    bool active = false;
    std::string full() const { return section.empty() ? key : section + "." + key; }
};

std::vector<Entry> read_example(const fs::path& file) {
    static const std::regex section_line(R"(^(#?)\[([a-z0-9_.-]+)\]\s*$)");
    static const std::regex key_line(R"(^(#?)([a-z0-9_-]+) =(?: (.*))?$)");
    std::ifstream in(file);
    EXPECT_TRUE(in.is_open()) << file;
    std::vector<Entry> entries;
    std::string section;
    std::string line;
    while (std::getline(in, line)) {
        std::smatch match;
        if (std::regex_match(line, match, section_line)) {
            section = match[2];
        } else if (std::regex_match(line, match, key_line)) {
            entries.push_back({section, match[2], match[3], match[1].length() == 0});
        } else {
            EXPECT_TRUE(line.empty() || line.rfind("# ", 0) == 0 || line == "#")
                << file.filename() << ": neither a key, a section nor an explanation: " << line;
        }
    }
    return entries;
}

std::set<std::string> full_keys(const std::vector<Entry>& entries) {
    std::set<std::string> keys;
    for (const auto& entry : entries) {
        EXPECT_TRUE(keys.insert(entry.full()).second) << "listed twice: " << entry.full();
    }
    return keys;
}

// The example with every commented-out key that shows a value uncommented, and the section lines
// above them (an empty [section] would read as a key of its own).
fs::path uncommented(const std::vector<Entry>& entries, const fs::path& file) {
    std::ofstream out(file);
    std::string section;
    for (const auto& entry : entries) {
        if (!entry.active && entry.value.empty()) {
            continue;  // no default to show ("unset")
        }
        if (entry.section != section) {
            section = entry.section;
            out << "[" << section << "]\n";
        }
        out << entry.key << " = " << entry.value << "\n";
    }
    return file;
}

config::EnvLookup no_environment() {
    return [](const std::string&) { return std::optional<std::string>(); };
}

// Section.key of every key the loaded plugins of `kinds` in the build's plugin folder declare.
std::set<std::string> plugin_keys(host::PluginHost& plugins) {
    std::set<std::string> keys;
    for (const auto& record : plugins.records()) {
        if (record.status != host::PluginStatus::loaded) {
            continue;
        }
        for (const auto& key : record.config_keys) {
            keys.insert(record.kind + "." + record.name + "." + key);
        }
    }
    return keys;
}

std::shared_ptr<spdlog::logger> quiet_logger() {
    return std::make_shared<spdlog::logger>("example",
                                            std::make_shared<spdlog::sinks::null_sink_st>());
}

// Every key the program accepts (its own by variable name, its plugins' by key) is in the example,
// and every key of the example is one the program accepts.
void expect_same_keys(const std::set<std::string>& example, const std::vector<std::string>& env,
                      const std::set<std::string>& plugins) {
    std::set<std::string> example_env;
    for (const auto& key : example) {
        example_env.insert(config::env_name_for(key));
    }
    for (const auto& name : env) {
        EXPECT_TRUE(example_env.count(name) != 0)
            << "the program reads the key of " << name << ", missing from the example";
    }
    for (const auto& key : plugins) {
        EXPECT_TRUE(example.count(key) != 0) << "a plugin's key missing from the example: " << key;
    }
    for (const auto& key : example) {
        const bool known =
            std::find(env.begin(), env.end(), config::env_name_for(key)) != env.end() ||
            plugins.count(key) != 0;
        EXPECT_TRUE(known) << "the example lists a key the program does not accept: " << key;
    }
}

struct ControlProgram {
    host::PluginHost plugins{
        host::HostProgram{"vergegrid-control", "/var/lib/vergegrid", quiet_logger()}};
    ControlProgram() { plugins.discover(kPluginDir, vergegrid::control::control_plane_kinds()); }
};

struct BridgeProgram {
    host::PluginHost plugins{
        host::HostProgram{"vergegrid-bridge", "/var/lib/vergegrid-bridge", quiet_logger()}};
    BridgeProgram() { plugins.discover(kPluginDir, {{api::kind::kInjection, 0}}); }
};

TEST(ControlExample, ListsEveryKeyVergegridControlAcceptsAndNoOther) {
    ControlProgram program;
    const auto keys = plugin_keys(program.plugins);
    ASSERT_TRUE(keys.count("storage.sqlite.path") != 0) << "no built-in plugin in " << kPluginDir;
    expect_same_keys(full_keys(read_example(kExamples / "control.ini")),
                     vergegrid::control::control_env_names(), keys);
}

TEST(ControlExample, LoadsAsShippedWithThePackagedDataDirAndListenAddress) {
    vergegrid::kernel::config::CommandLine flags;
    flags.config_file = kExamples / "control.ini";
    const auto settings = vergegrid::control::load_control_settings(flags, no_environment());
    EXPECT_EQ(settings.data_dir, "/var/lib/vergegrid");
    EXPECT_EQ(settings.listen_host, "127.0.0.1");
    EXPECT_EQ(settings.listen_port, 9800);
    // Unset: <bin>/../lib/vergegrid/plugins, where the package puts them.
    EXPECT_FALSE(settings.plugin_dir.has_value());
}

TEST(ControlExample, EveryDefaultShownIsAValueTheProgramTakes) {
    TempDir dir;
    vergegrid::kernel::config::CommandLine flags;
    flags.config_file =
        uncommented(read_example(kExamples / "control.ini"), dir.path() / "control.ini");
    vergegrid::control::ControlSettings settings;
    try {
        settings = vergegrid::control::load_control_settings(flags, no_environment());
    } catch (const config::ConfigError& e) {
        FAIL() << e.what();
    }
    EXPECT_EQ(settings.log.level, "info");
    EXPECT_EQ(settings.http.max_parked, 60'000U);
    EXPECT_EQ(settings.placement.policy, "basic-rules");
    ControlProgram program;
    EXPECT_NO_THROW(program.plugins.configure(settings.plugin_values, no_environment(), {},
                                              vergegrid::control::control_env_names()));
}

TEST(BridgeExample, ListsEveryKeyVergegridBridgeAcceptsAndNoOther) {
    BridgeProgram program;
    const auto keys = plugin_keys(program.plugins);
    ASSERT_TRUE(keys.count("injection.hybrid.poll_interval_ms") != 0)
        << "no built-in injection plugin in " << kPluginDir;
    expect_same_keys(full_keys(read_example(kExamples / "bridge.ini")),
                     vergegrid::bridge::bridge_env_names(), keys);
}

TEST(BridgeExample, AsShippedAsksOnlyForTheSimulatorsKeys) {
    vergegrid::bridge::BridgeCommandLine flags;
    flags.config_file = kExamples / "bridge.ini";
    std::vector<std::string> missing;
    try {
        vergegrid::bridge::load_bridge_settings(flags, no_environment());
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            missing.push_back(issue.key + " " + issue.message);
        }
    }
    EXPECT_THAT(missing,
                ::testing::UnorderedElementsAre("simulator.remoteadmin_password is required",
                                                "simulator.regions_dir is required"));

    const auto env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "VERGEGRID_SIMULATOR_REMOTEADMIN_PASSWORD") {
            return "secret";
        }
        if (name == "VERGEGRID_SIMULATOR_REGIONS_DIR") {
            return "/srv/opensim/bin/Regions";
        }
        return std::nullopt;
    };
    const auto settings = vergegrid::bridge::load_bridge_settings(flags, env);
    EXPECT_EQ(settings.state_dir, "/var/lib/vergegrid-bridge");
    ASSERT_EQ(settings.control_endpoints.size(), 1U);
    EXPECT_FALSE(settings.plugin_dir.has_value());
}

TEST(BridgeExample, EveryDefaultShownIsAValueTheProgramTakes) {
    TempDir dir;
    vergegrid::bridge::BridgeCommandLine flags;
    flags.config_file =
        uncommented(read_example(kExamples / "bridge.ini"), dir.path() / "bridge.ini");
    flags.list_plugins = true;  // the required keys have no default to show
    vergegrid::bridge::BridgeSettings settings;
    try {
        settings = vergegrid::bridge::load_bridge_settings(flags, no_environment());
    } catch (const config::ConfigError& e) {
        FAIL() << e.what();
    }
    EXPECT_EQ(settings.simulator.default_estate, "My Estate");
    EXPECT_EQ(settings.push_port, 9801);
    BridgeProgram program;
    EXPECT_NO_THROW(program.plugins.configure(settings.plugin_values, no_environment(), {},
                                              vergegrid::bridge::bridge_env_names()));
}

}  // namespace
