#include "config_sources/config_error.hpp"

namespace vergegrid::config_sources {

namespace {
std::string describe(const std::vector<ConfigIssue>& issues) {
    std::string text = "invalid configuration:";
    for (const auto& issue : issues) {
        text += "\n  ";
        if (!issue.key.empty()) {
            text += issue.key + ": ";
        }
        text += issue.message;
    }
    return text;
}
}  // namespace

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : std::runtime_error(describe(issues)), issues_(std::move(issues)) {}

ConfigError::ConfigError(std::string key, std::string message)
    : ConfigError(std::vector<ConfigIssue>{{std::move(key), std::move(message)}}) {}

}  // namespace vergegrid::config_sources
