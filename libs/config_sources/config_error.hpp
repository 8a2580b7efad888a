// Everything wrong with a configuration, reported at once and by key name.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace vergegrid::config_sources {

struct ConfigIssue {
    std::string key;  // "log.format", "storage.sqlite.path", or "" for a file-level problem
    std::string message;
};

class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(std::vector<ConfigIssue> issues);
    ConfigError(std::string key, std::string message);
    const std::vector<ConfigIssue>& issues() const noexcept { return issues_; }

  private:
    std::vector<ConfigIssue> issues_;
};

}  // namespace vergegrid::config_sources
