#pragma once

#include <filesystem>

#include "kernel/config/settings.hpp"

namespace vergegrid::kernel::app {

// The configured plugin_dir, or else <bin>/../lib/vergegrid/plugins: build/lib/vergegrid/plugins
// in a build tree, <prefix>/lib/vergegrid/plugins when installed.
std::filesystem::path resolve_plugin_dir(const config::Settings& settings);

}  // namespace vergegrid::kernel::app
