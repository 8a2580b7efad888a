#include "plugin_host/plugin_host.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>

#include "logging/logging.hpp"

namespace vergegrid::plugin_host {

namespace {

const plugin_api::ConfigSection& empty_section() {
    static const plugin_api::ConfigSection empty;
    return empty;
}

}  // namespace

PluginHost::PluginHost(HostProgram program)
    : program_(std::move(program)),
      registry_(PluginLoader(logging::child_logger(program_.log, "plugins"), program_.abi,
                             program_.name)) {}

void PluginHost::discover(const std::filesystem::path& dir, std::vector<KindUse> kinds) {
    program_.log->info("discovering plugins in {}", dir.string());
    registry_.discover(dir, kinds);
}

void PluginHost::configure(const config_sources::ValueMap& plugin_values,
                           const config_sources::EnvLookup& env,
                           const std::vector<std::string>& env_names,
                           const std::vector<std::string>& program_env_names) {
    std::vector<PluginKeys> keys;
    for (const auto& plugin : registry_.loaded()) {
        const auto& r = plugin->record();
        keys.push_back({r.kind, r.name, r.config_keys});
    }
    sections_ = resolve_plugin_sections(plugin_values, keys, env, env_names, program_env_names);
}

std::shared_ptr<LoadedPlugin> PluginHost::find(std::string_view kind,
                                               const std::string& name) const {
    return registry_.find(std::string(kind), name);
}

std::vector<std::string> PluginHost::names(std::string_view kind) const {
    std::vector<std::string> names;
    for (const auto& plugin : registry_.loaded()) {
        if (plugin->record().kind == kind) {
            names.push_back(plugin->record().name);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

plugin_api::HostContext PluginHost::context_for(const LoadedPlugin& plugin) const {
    const auto it = sections_.find(plugin.section_name());
    return plugin_api::HostContext{
        program_.abi,
        logging::make_plugin_logger(program_.log, plugin.section_name()),
        it == sections_.end() ? empty_section() : it->second,
        program_.state_dir.string(),
    };
}

}  // namespace vergegrid::plugin_host
