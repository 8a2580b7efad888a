// vergegrid-control: the VergeGrid control plane (the kernel composed with the control services).
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "control/control_routes.hpp"
#include "kernel/app/control_plane.hpp"
#include "kernel/app/plugin_dir.hpp"
#include "kernel/app/plugin_listing.hpp"
#include "kernel/config/config_error.hpp"
#include "kernel/logging/logging.hpp"
#include "kernel/version.hpp"
#include "vergegrid/plugin_api/abi.hpp"

namespace {

namespace vk = vergegrid::kernel;

constexpr int kExitConfigError = 2;
constexpr int kExitStartupError = 1;

// Blocks SIGTERM/SIGINT in every thread (threads inherit the mask) so that the main thread alone
// receives them through sigwait(), outside any async-signal context.
sigset_t block_termination_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

int list_plugins(const vk::config::Settings& settings, const std::shared_ptr<spdlog::logger>& log) {
    vk::plugins::PluginRegistry registry(
        vk::plugins::PluginLoader(vk::logging::child_logger(log, "plugins")));
    registry.discover(vk::app::resolve_plugin_dir(settings));
    std::cout << vk::app::plugins_to_table(registry.records());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"vergegrid-control: the VergeGrid control plane for OpenSimulator grids"};
    vk::config::CommandLine flags;
    std::string listen;
    std::string data_dir;
    std::string config_file;
    std::string plugin_dir;
    bool list = false;
    cli.add_option("--config", config_file, "INI configuration file")->check(CLI::ExistingFile);
    cli.add_option("--listen", listen,
                   "HOST:PORT to serve on (default 127.0.0.1:9800; env VERGEGRID_LISTEN)");
    cli.add_option("--data-dir", data_dir,
                   "directory for the embedded database (default ./data; env VERGEGRID_DATA_DIR)");
    cli.add_option("--plugin-dir", plugin_dir,
                   "directory searched for plugins (default <bin>/../plugins)");
    cli.add_flag("--list-plugins", list, "print every plugin found, loaded or refused, and exit");
    cli.set_version_flag("--version", std::string("vergegrid-control ") + vk::kProgramVersion +
                                          " (plugin ABI " +
                                          vergegrid::plugin_api::kAbiVersion.to_string() + ")");
    CLI11_PARSE(cli, argc, argv);
    if (!config_file.empty()) {
        flags.config_file = config_file;
    }
    if (!listen.empty()) {
        flags.listen = listen;
    }
    if (!data_dir.empty()) {
        flags.data_dir = data_dir;
    }
    if (!plugin_dir.empty()) {
        flags.plugin_dir = plugin_dir;
    }

    vk::config::Settings settings;
    try {
        settings = vk::config::load_settings(flags, vk::config::process_environment());
    } catch (const vk::config::ConfigError& e) {
        std::cerr << "vergegrid-control: " << e.what() << "\n";
        return kExitConfigError;
    }
    auto log = vk::logging::make_root_logger(settings.log);
    if (list) {
        return list_plugins(settings, log);
    }

    const sigset_t signals = block_termination_signals();
    vk::app::ControlPlane control_plane(settings, log, vergegrid::control::add_control_routes);
    try {
        control_plane.start();
    } catch (const vk::config::ConfigError& e) {
        log->error("{}", e.what());
        control_plane.stop();
        return kExitConfigError;
    } catch (const std::exception& e) {
        log->error("cannot start: {}", e.what());
        control_plane.stop();
        return kExitStartupError;
    }

    int signal = 0;
    sigwait(&signals, &signal);
    log->info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    control_plane.stop();
    log->info("stopped cleanly");
    return 0;
}
