// Loads one plugin file and decides whether the kernel accepts it.
#pragma once

#include <spdlog/fwd.h>
#include <filesystem>
#include <memory>

#include "kernel/plugins/loaded_plugin.hpp"
#include "kernel/plugins/plugin_record.hpp"

namespace vergegrid::kernel::plugins {

struct LoadOutcome {
    PluginRecord record;
    std::shared_ptr<LoadedPlugin> plugin;  // null unless record.status == loaded
};

class PluginLoader {
  public:
    // host_abi is the ABI this kernel speaks; tests pass other versions to exercise the rule
    // (same major, minor not newer than the host's).
    explicit PluginLoader(std::shared_ptr<spdlog::logger> log,
                          plugin_api::AbiVersion host_abi = plugin_api::kAbiVersion);

    // Never throws for a bad plugin: every problem becomes a refused or failed record, logged.
    LoadOutcome load(const std::filesystem::path& file) const;

    plugin_api::AbiVersion host_abi() const noexcept { return host_abi_; }

  private:
    LoadOutcome inspect(const std::filesystem::path& file) const;

    std::shared_ptr<spdlog::logger> log_;
    plugin_api::AbiVersion host_abi_;
};

}  // namespace vergegrid::kernel::plugins
