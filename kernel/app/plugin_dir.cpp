#include "kernel/app/plugin_dir.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

namespace vergegrid::kernel::app {

std::filesystem::path resolve_plugin_dir(const config::Settings& settings) {
    if (settings.plugin_dir) {
        return *settings.plugin_dir;
    }
    const std::filesystem::path bin = boost::dll::program_location().parent_path();
    return bin.parent_path() / "lib" / "vergegrid" / "plugins";
}

}  // namespace vergegrid::kernel::app
