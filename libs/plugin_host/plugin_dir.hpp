#pragma once

#include <filesystem>
#include <optional>

namespace vergegrid::plugin_host {

// The configured plugin folder, or else <bin>/../lib/vergegrid/plugins: build/lib/vergegrid/plugins
// in a build tree, <prefix>/lib/vergegrid/plugins when installed. The same for both programs.
std::filesystem::path resolve_plugin_dir(const std::optional<std::filesystem::path>& configured);

// What --help says about that default.
inline constexpr const char* kDefaultPluginDirHelp = "<bin>/../lib/vergegrid/plugins";

}  // namespace vergegrid::plugin_host
