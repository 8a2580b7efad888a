// plugin_api::Loggers for tests: one that keeps what plugins log, for assertions, and one that
// drops it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::test {

class RecordingLogger final : public plugin_api::Logger {
  public:
    bool enabled(plugin_api::LogLevel) const noexcept override { return true; }
    void log(plugin_api::LogLevel, std::string_view message) noexcept override {
        std::lock_guard lock(mutex_);
        lines_.emplace_back(message);
    }
    std::vector<std::string> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

class SilentLogger final : public plugin_api::Logger {
  public:
    bool enabled(plugin_api::LogLevel) const noexcept override { return false; }
    void log(plugin_api::LogLevel, std::string_view) noexcept override {}
};

}  // namespace vergegrid::test
