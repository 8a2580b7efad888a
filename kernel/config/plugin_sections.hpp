// A plugin's configuration lives in the section [<kind>.<name>]. The kernel validates those
// sections against the keys each discovered plugin declares, without running plugin code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kernel/config/sources.hpp"
#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::kernel::config {

struct PluginKeys {
    std::string kind;
    std::string name;
    std::vector<std::string> keys;
};

using PluginSections =
    std::map<std::string, plugin_api::ConfigSection>;  // "storage.sqlite" -> keys

// Values from the file (plugin_values of Settings) and from VERGEGRID_<KIND>_<NAME>_<KEY>
// environment variables, keyed by section. Throws ConfigError naming every key no plugin
// declares and every section for which no plugin was found.
PluginSections resolve_plugin_sections(const ValueMap& plugin_values,
                                       const std::vector<PluginKeys>& plugins,
                                       const EnvLookup& env);

}  // namespace vergegrid::kernel::config
