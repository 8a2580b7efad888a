// Every plugin file the host has seen, and the accepted ones by kind and name.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugin_host/loaded_plugin.hpp"
#include "plugin_host/plugin_loader.hpp"

namespace vergegrid::plugin_host {

class PluginRegistry {
  public:
    explicit PluginRegistry(PluginLoader loader);

    // Loads every *.so in `directory` (not recursive), in file-name order so that which of two
    // duplicates wins never depends on the file system. A missing directory is logged, not fatal.
    // Only plugins of `kinds` are kept; the others are listed as skipped.
    void discover(const std::filesystem::path& directory,
                  std::span<const KindUse> kinds = every_kind());

    // Loads one file; a second plugin with an accepted plugin's kind and name is refused.
    PluginRecord add(const std::filesystem::path& file,
                     std::span<const KindUse> kinds = every_kind());

    // The accepted plugin of that kind and name, or null.
    std::shared_ptr<LoadedPlugin> find(const std::string& kind, const std::string& name) const;

    // Every accepted plugin, in discovery order.
    std::vector<std::shared_ptr<LoadedPlugin>> loaded() const;

    // Forgets an accepted plugin. Objects it made keep its library loaded until they die.
    void release(const std::string& kind, const std::string& name);

    // One row per file seen, in discovery order (released plugins are no longer listed).
    std::vector<PluginRecord> records() const;

  private:
    PluginLoader loader_;
    mutable std::mutex mutex_;
    std::vector<PluginRecord> records_;
    std::map<std::string, std::shared_ptr<LoadedPlugin>> by_id_;  // "kind/name"
    std::vector<std::string> order_;
};

}  // namespace vergegrid::plugin_host
