// A plugin's configuration lives in the section [<kind>.<name>]. The host validates those
// sections against the keys each loaded plugin declares, without running plugin code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config_sources/sources.hpp"
#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_host {

struct PluginKeys {
    std::string kind;
    std::string name;
    std::vector<std::string> keys;
};

using PluginSections =
    std::map<std::string, plugin_api::ConfigSection>;  // "storage.sqlite" -> keys

// Values from the file (the program's plugin_values) and from VERGEGRID_<KIND>_<NAME>_<KEY>
// environment variables, keyed by section. Throws ConfigError naming every key no plugin
// declares, every section for which no plugin was found, and every variable in `env_names` that
// starts with a plugin's prefix (VERGEGRID_PLACEMENT_BASIC_RULES_) but names none of the keys it
// declares: a mistyped variable is refused like a mistyped key in the file, not ignored.
// `program_env_names` are the program's own variables (VERGEGRID_PLACEMENT_PORT_MIN), never a
// plugin's key even when a plugin's name makes them look like one.
PluginSections resolve_plugin_sections(const config_sources::ValueMap& plugin_values,
                                       const std::vector<PluginKeys>& plugins,
                                       const config_sources::EnvLookup& env,
                                       const std::vector<std::string>& env_names,
                                       const std::vector<std::string>& program_env_names = {});

}  // namespace vergegrid::plugin_host
