#include "logging/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "logging/json_formatter.hpp"
#include "logging/text_formatter.hpp"

namespace vergegrid::logging {

namespace {

spdlog::level::level_enum to_spdlog(plugin_api::LogLevel level) {
    switch (level) {
        case plugin_api::LogLevel::trace:
            return spdlog::level::trace;
        case plugin_api::LogLevel::debug:
            return spdlog::level::debug;
        case plugin_api::LogLevel::info:
            return spdlog::level::info;
        case plugin_api::LogLevel::warn:
            return spdlog::level::warn;
        case plugin_api::LogLevel::error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

class PluginLogger final : public plugin_api::Logger {
  public:
    explicit PluginLogger(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

    bool enabled(plugin_api::LogLevel level) const noexcept override {
        return logger_->should_log(to_spdlog(level));
    }
    void log(plugin_api::LogLevel level, std::string_view message) noexcept override {
        try {
            logger_->log(to_spdlog(level), message);
        } catch (...) {  // spdlog may throw on a broken sink; a plugin's log call must not
        }
    }

  private:
    std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace

std::shared_ptr<spdlog::logger> make_root_logger(const LogSettings& settings) {
    auto sink =
        std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::automatic);
    auto root = std::make_shared<spdlog::logger>("vergegrid", std::move(sink));
    if (settings.format == "json") {
        root->set_formatter(std::make_unique<JsonFormatter>());
    } else {
        root->set_formatter(make_text_formatter());
    }
    root->set_level(spdlog::level::from_str(settings.level));
    root->flush_on(spdlog::level::info);
    spdlog::set_default_logger(root);
    return root;
}

std::shared_ptr<spdlog::logger> child_logger(const std::shared_ptr<spdlog::logger>& root,
                                             const std::string& name) {
    auto child = root->clone(name);
    return child;
}

std::shared_ptr<plugin_api::Logger> make_plugin_logger(const std::shared_ptr<spdlog::logger>& root,
                                                       const std::string& name) {
    return std::make_shared<PluginLogger>(child_logger(root, name));
}

}  // namespace vergegrid::logging
