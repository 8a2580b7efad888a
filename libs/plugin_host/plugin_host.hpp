// The one plugin host of vergegrid-control and vergegrid-bridge. A program says who it is (its
// name, its own state folder, its logger) and which kinds it uses; the host loads those plugins
// from a folder, lists every other file with the reason it was skipped or refused, checks each
// plugin's config section against the keys it declares, and creates objects with the program's
// context.
#pragma once

#include <spdlog/fwd.h>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config_sources/sources.hpp"
#include "plugin_host/kind_of.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "plugin_host/plugin_sections.hpp"

namespace vergegrid::plugin_host {

// Who hosts the plugins.
struct HostProgram {
    std::string name;  // "vergegrid-control", "vergegrid-bridge": named in refusals and skips
    // HostContext::data_dir of every object created: the program's own state folder (the
    // control plane's data dir, the bridge's state dir).
    std::filesystem::path state_dir;
    std::shared_ptr<spdlog::logger> log;  // plugin loggers are "<kind>.<name>" children of it
    plugin_api::AbiVersion abi = plugin_api::kAbiVersion;
};

// Asked for a plugin no file provided (or one that was refused or skipped).
class PluginMissing : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class PluginHost {
  public:
    explicit PluginHost(HostProgram program);
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // Loads the plugins of `kinds` among the *.so files of `dir` (see PluginRegistry::discover);
    // every other file is listed as skipped with the reason.
    void discover(const std::filesystem::path& dir, std::vector<KindUse> kinds);

    // Resolves the loaded plugins' config sections from the file's plugin values and the
    // environment (see resolve_plugin_sections). Throws config_sources::ConfigError.
    void configure(const config_sources::ValueMap& plugin_values,
                   const config_sources::EnvLookup& env, const std::vector<std::string>& env_names,
                   const std::vector<std::string>& program_env_names = {});

    // The loaded plugin of that kind and name, or null.
    std::shared_ptr<LoadedPlugin> find(std::string_view kind, const std::string& name) const;
    // Names of the loaded plugins of a kind, sorted.
    std::vector<std::string> names(std::string_view kind) const;

    // Creates an object of the named plugin of Interface's kind, configured from its section.
    // Throws PluginMissing, or PluginCreateError when the plugin refuses.
    template <typename Interface>
    std::shared_ptr<Interface> create(const std::string& name) const {
        auto plugin = find(kind_of_v<Interface>, name);
        if (!plugin) {
            throw PluginMissing("no loaded " + std::string(kind_of_v<Interface>) +
                                " plugin named '" + name + "'");
        }
        return plugin->template create<Interface>(context_for(*plugin));
    }

    // What a plugin receives while creating an object; valid as long as this host.
    plugin_api::HostContext context_for(const LoadedPlugin& plugin) const;

    std::vector<PluginRecord> records() const { return registry_.records(); }
    const PluginRegistry& registry() const { return registry_; }
    const HostProgram& program() const { return program_; }

  private:
    HostProgram program_;
    PluginRegistry registry_;
    PluginSections sections_;
};

}  // namespace vergegrid::plugin_host
