// Loads one plugin file and decides whether the host accepts it.
#pragma once

#include <spdlog/fwd.h>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "plugin_host/kind_rules.hpp"
#include "plugin_host/loaded_plugin.hpp"
#include "plugin_host/plugin_record.hpp"

namespace vergegrid::plugin_host {

struct LoadOutcome {
    PluginRecord record;
    std::shared_ptr<LoadedPlugin> plugin;  // null unless record.status == loaded
};

class PluginLoader {
  public:
    // host_abi is the ABI this host speaks; tests pass other versions to exercise the rule
    // (same major, minor not newer than the host's). `program` is named in refusals and skips.
    explicit PluginLoader(std::shared_ptr<spdlog::logger> log,
                          plugin_api::AbiVersion host_abi = plugin_api::kAbiVersion,
                          std::string program = "vergegrid-control");

    // Never throws for a bad plugin: every problem becomes a refused or failed record, logged.
    LoadOutcome load(const std::filesystem::path& file) const;
    // Loads only a plugin of one of `kinds`; a file of another kind is skipped (its library not
    // kept, or not even opened when its name vg-<kind>-*.so gives the kind away).
    LoadOutcome load(const std::filesystem::path& file, std::span<const KindUse> kinds) const;

    plugin_api::AbiVersion host_abi() const noexcept { return host_abi_; }
    const std::string& program() const noexcept { return program_; }

  private:
    LoadOutcome inspect(const std::filesystem::path& file, std::span<const KindUse> kinds) const;
    std::optional<LoadOutcome> check_descriptor(const plugin_api::PluginDescriptor* descriptor,
                                                PluginRecord& record) const;

    std::shared_ptr<spdlog::logger> log_;
    plugin_api::AbiVersion host_abi_;
    std::string program_;
};

}  // namespace vergegrid::plugin_host
