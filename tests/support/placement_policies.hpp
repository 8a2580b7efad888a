// The built-in placement policies, loaded from their real shared objects the way the kernel
// loads them, for tests of the policies and of the engine. Define VERGEGRID_PLUGIN_DIR.
#pragma once

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>

#include "plugin_host/plugin_registry.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::test {

class PlacementPolicies {
  public:
    PlacementPolicies()
        : registry_(plugin_host::PluginLoader(std::make_shared<spdlog::logger>(
              "test", std::make_shared<spdlog::sinks::null_sink_mt>()))) {
        for (const char* file :
             {"vg-placement-basic-rules.so", "vg-placement-spread.so", "vg-placement-binpack.so"}) {
            registry_.add(std::filesystem::path(VERGEGRID_PLUGIN_DIR) / file);
        }
    }

    // Throws PluginCreateError for a bad config value, like the kernel would see it.
    std::shared_ptr<plugin_api::PlacementPolicy> make(
        const std::string& name, const plugin_api::ConfigSection& config = {}) {
        auto plugin = registry_.find("placement", name);
        if (!plugin) {
            throw std::runtime_error("placement plugin " + name + " did not load");
        }
        const plugin_api::HostContext host{plugin_api::kAbiVersion, logger_, config, "/tmp"};
        return plugin->create<plugin_api::PlacementPolicy>(host);
    }

    std::shared_ptr<RecordingLogger> logger() const { return logger_; }

  private:
    plugin_host::PluginRegistry registry_;
    std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
};

}  // namespace vergegrid::test
