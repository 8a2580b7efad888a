// The logger the host hands every plugin. Plugins log through it, never through a logging
// library's global registry: each shared object would get a registry of its own and its lines
// would bypass the host's format, level and sinks.
#pragma once

#include <boost/config.hpp>
#include <string_view>

namespace vergegrid::plugin_api {

enum class LogLevel : int { trace = 0, debug = 1, info = 2, warn = 3, error = 4 };

class BOOST_SYMBOL_VISIBLE Logger {
  public:
    virtual ~Logger() = default;

    // Cheap check so a plugin can skip building a message nobody will see.
    virtual bool enabled(LogLevel level) const noexcept = 0;
    // Thread-safe; never throws. The host adds time, level and the plugin's name.
    virtual void log(LogLevel level, std::string_view message) noexcept = 0;

    void trace(std::string_view m) noexcept { log(LogLevel::trace, m); }
    void debug(std::string_view m) noexcept { log(LogLevel::debug, m); }
    void info(std::string_view m) noexcept { log(LogLevel::info, m); }
    void warn(std::string_view m) noexcept { log(LogLevel::warn, m); }
    void error(std::string_view m) noexcept { log(LogLevel::error, m); }
};

}  // namespace vergegrid::plugin_api
