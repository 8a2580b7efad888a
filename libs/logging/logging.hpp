// Logging for vergegrid-control and vergegrid-bridge: spdlog behind a small surface, so that spdlog
// (the project's heaviest header) stays out of other headers.
#pragma once

#include <spdlog/fwd.h>
#include <memory>
#include <string>

#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::logging {

// [log]: the same keys in both programs.
struct LogSettings {
    std::string level = "info";   // trace, debug, info, warn, error
    std::string format = "text";  // text or json (one JSON object a line)
};

// Builds the "vergegrid" logger writing to stderr in the configured format and level, and makes
// it spdlog's default. Text for people, JSON lines for log shippers.
std::shared_ptr<spdlog::logger> make_root_logger(const LogSettings& settings);

// A logger named `name` sharing the root's sinks, format and level.
std::shared_ptr<spdlog::logger> child_logger(const std::shared_ptr<spdlog::logger>& root,
                                             const std::string& name);

// What a plugin receives: the plugin_api::Logger interface over a child logger.
std::shared_ptr<plugin_api::Logger> make_plugin_logger(const std::shared_ptr<spdlog::logger>& root,
                                                       const std::string& name);

}  // namespace vergegrid::logging
