#include "plugin_host/plugin_dir.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

namespace vergegrid::plugin_host {

std::filesystem::path resolve_plugin_dir(const std::optional<std::filesystem::path>& configured) {
    if (configured) {
        return *configured;
    }
    const std::filesystem::path bin = boost::dll::program_location().parent_path();
    return bin.parent_path() / "lib" / "vergegrid" / "plugins";
}

}  // namespace vergegrid::plugin_host
