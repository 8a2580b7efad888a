#include "sqlite_test_support.hpp"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace vergegrid::test::storage {

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vg-sqlite-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void CollectingLogger::log(plugin_api::LogLevel level, std::string_view message) noexcept {
    try {
        const std::lock_guard lock(mutex_);
        lines_.emplace_back(level, std::string(message));
    } catch (...) {
        // A logger never throws.
    }
}

std::vector<std::pair<plugin_api::LogLevel, std::string>> CollectingLogger::lines() const {
    const std::lock_guard lock(mutex_);
    return lines_;
}

std::string CollectingLogger::text() const {
    const std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& [level, line] : lines_) {
        text += line;
        text += '\n';
    }
    return text;
}

}  // namespace vergegrid::test::storage
