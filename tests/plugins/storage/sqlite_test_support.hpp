// Helpers shared by the SQLite storage plugin tests.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::test::storage {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

  private:
    std::filesystem::path path_;
};

// A Logger that keeps every line, for assertions. Thread-safe.
class CollectingLogger final : public plugin_api::Logger {
  public:
    bool enabled(plugin_api::LogLevel) const noexcept override { return true; }
    void log(plugin_api::LogLevel level, std::string_view message) noexcept override;

    std::vector<std::pair<plugin_api::LogLevel, std::string>> lines() const;
    // All lines joined by '\n', for substring matchers.
    std::string text() const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::pair<plugin_api::LogLevel, std::string>> lines_;
};

}  // namespace vergegrid::test::storage
