// Helpers of the settings tests (kernel and control plane): an environment from a map, a
// throwaway INI file named after the running test, the keys a ConfigError names.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config_sources/config_error.hpp"
#include "config_sources/sources.hpp"
#include "kernel/config/settings.hpp"

namespace vergegrid::test {

inline config_sources::EnvLookup env_of(std::map<std::string, std::string> vars) {
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
    ConfigFile(const ConfigFile&) = delete;
    ConfigFile& operator=(const ConfigFile&) = delete;
    kernel::config::CommandLine flags() const {
        return kernel::config::CommandLine{path_, {}, {}, {}};
    }

  private:
    std::filesystem::path path_;
};

inline std::vector<std::string> keys_of(const config_sources::ConfigError& e) {
    std::vector<std::string> keys;
    for (const auto& issue : e.issues()) {
        keys.push_back(issue.key);
    }
    return keys;
}

}  // namespace vergegrid::test
