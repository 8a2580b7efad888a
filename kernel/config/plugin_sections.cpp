#include "kernel/config/plugin_sections.hpp"

#include <algorithm>

#include "kernel/config/config_error.hpp"

namespace vergegrid::kernel::config {

PluginSections resolve_plugin_sections(const ValueMap& plugin_values,
                                       const std::vector<PluginKeys>& plugins,
                                       const EnvLookup& env) {
    PluginSections sections;
    std::vector<ConfigIssue> issues;

    for (const auto& [key, value] : plugin_values) {
        const auto dot = key.rfind('.');
        const std::string section = key.substr(0, dot);
        const std::string name = key.substr(dot + 1);
        auto plugin = std::find_if(plugins.begin(), plugins.end(), [&](const PluginKeys& p) {
            return p.kind + "." + p.name == section;
        });
        if (plugin == plugins.end()) {
            issues.push_back({key, "unknown key: no plugin [" + section + "] was found (from " +
                                       value.origin + ")"});
        } else if (std::find(plugin->keys.begin(), plugin->keys.end(), name) ==
                   plugin->keys.end()) {
            issues.push_back(
                {key, "unknown key for plugin " + section + " (from " + value.origin + ")"});
        } else {
            sections[section][name] = value.text;
        }
    }
    for (const auto& plugin : plugins) {
        const std::string section = plugin.kind + "." + plugin.name;
        for (const auto& name : plugin.keys) {
            if (auto text = env(env_name_for(section + "." + name))) {
                sections[section][name] = *text;
            }
        }
    }
    if (!issues.empty()) {
        throw ConfigError(std::move(issues));
    }
    return sections;
}

}  // namespace vergegrid::kernel::config
