#include "plugin_host/plugin_sections.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "config_sources/config_error.hpp"

namespace vergegrid::plugin_host {

namespace {

using config_sources::ConfigIssue;
using config_sources::env_name_for;

// The file's [<kind>.<name>] keys: kept when the plugin declares them, an issue otherwise.
void take_file_values(const config_sources::ValueMap& plugin_values,
                      const std::vector<PluginKeys>& plugins, PluginSections& sections,
                      std::vector<ConfigIssue>& issues) {
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
}

// "BOGUS_KEY" -> "bogus_key": the key as the operator most likely meant it, for the message.
std::string key_from_env_suffix(const std::string& suffix) {
    std::string key;
    for (char c : suffix) {
        key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return key;
}

// A VERGEGRID_<KIND>_<NAME>_* variable that names no declared key of any plugin.
void check_env_names(const std::vector<PluginKeys>& plugins,
                     const std::vector<std::string>& env_names,
                     const std::vector<std::string>& program_env_names,
                     std::vector<ConfigIssue>& issues) {
    std::set<std::string> known(program_env_names.begin(), program_env_names.end());
    for (const auto& plugin : plugins) {
        for (const auto& key : plugin.keys) {
            known.insert(env_name_for(plugin.kind + "." + plugin.name + "." + key));
        }
    }
    for (const auto& variable : env_names) {
        if (known.count(variable) != 0) {
            continue;
        }
        for (const auto& plugin : plugins) {
            const std::string section = plugin.kind + "." + plugin.name;
            const std::string prefix = env_name_for(section) + "_";
            if (variable.size() > prefix.size() &&
                variable.compare(0, prefix.size(), prefix) == 0) {
                issues.push_back(
                    {section + "." + key_from_env_suffix(variable.substr(prefix.size())),
                     "unknown key for plugin " + section + " (from env " + variable + ")"});
                break;
            }
        }
    }
}

}  // namespace

PluginSections resolve_plugin_sections(const config_sources::ValueMap& plugin_values,
                                       const std::vector<PluginKeys>& plugins,
                                       const config_sources::EnvLookup& env,
                                       const std::vector<std::string>& env_names,
                                       const std::vector<std::string>& program_env_names) {
    PluginSections sections;
    std::vector<ConfigIssue> issues;
    take_file_values(plugin_values, plugins, sections, issues);
    for (const auto& plugin : plugins) {
        const std::string section = plugin.kind + "." + plugin.name;
        for (const auto& name : plugin.keys) {
            if (auto text = env(env_name_for(section + "." + name))) {
                sections[section][name] = *text;
            }
        }
    }
    check_env_names(plugins, env_names, program_env_names, issues);
    if (!issues.empty()) {
        throw config_sources::ConfigError(std::move(issues));
    }
    return sections;
}

}  // namespace vergegrid::plugin_host
