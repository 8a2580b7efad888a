// One built-in plugin loaded from its real shared object the way the kernel loads it, for the
// plugin's own unit tests. Define VERGEGRID_PLUGIN_DIR (the build's plugin folder).
#pragma once

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "plugin_host/plugin_registry.hpp"
#include "tests/support/test_logger.hpp"

namespace vergegrid::test {

class BuiltinPlugin {
  public:
    // `file` is the shared object's name in VERGEGRID_PLUGIN_DIR, e.g. "vg-sync-hybrid.so".
    BuiltinPlugin(const std::string& file, std::string kind, std::string name)
        : registry_(plugin_host::PluginLoader(std::make_shared<spdlog::logger>(
              "test", std::make_shared<spdlog::sinks::null_sink_mt>()))),
          kind_(std::move(kind)),
          name_(std::move(name)) {
        registry_.add(std::filesystem::path(VERGEGRID_PLUGIN_DIR) / file);
    }

    // A new object of the plugin with `config` as its section. Throws
    // plugin_host::PluginCreateError for a bad config value, like the kernel would see it.
    template <typename Interface>
    std::shared_ptr<Interface> make(const plugin_api::ConfigSection& config = {}) {
        auto plugin = registry_.find(kind_, name_);
        if (!plugin) {
            throw std::runtime_error(kind_ + " plugin " + name_ + " did not load");
        }
        const plugin_api::HostContext host{plugin_api::kAbiVersion, logger_, config, "/tmp"};
        return plugin->create<Interface>(host);
    }

    std::shared_ptr<RecordingLogger> logger() const { return logger_; }

  private:
    plugin_host::PluginRegistry registry_;
    std::string kind_;
    std::string name_;
    std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
};

}  // namespace vergegrid::test
