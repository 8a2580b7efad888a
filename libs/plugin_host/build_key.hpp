// The build key check of ABI 1.4 (plugin_api/build_key.hpp): a plugin built by another compiler,
// standard library or with layout-changing flags is refused before any of its C++ objects is
// touched.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_host {

// The key this host was compiled with.
inline constexpr std::string_view kHostBuildKey = VERGEGRID_BUILD_KEY;

// Why the host refuses the plugin's descriptor on account of its build key, or nullopt when the
// key matches. A descriptor from before ABI 1.4 carries no key (its struct_size ends at `create`)
// and is judged by the version rule alone; one that claims ABI 1.4 or later must carry a key.
// `descriptor` must already have passed the version and minimum-size checks.
std::optional<std::string> build_key_refusal(const plugin_api::PluginDescriptor& descriptor,
                                             const std::string& file_name,
                                             std::string_view host_key = kHostBuildKey);

}  // namespace vergegrid::plugin_host
