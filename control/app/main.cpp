// vergegrid-control: the VergeGrid control plane (the kernel composed with the control services).
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "config_sources/config_error.hpp"
#include "control/app/admin_command.hpp"
#include "control/app/control_plane.hpp"
#include "control/app/control_routes.hpp"
#include "control/app/control_settings.hpp"
#include "logging/logging.hpp"
#include "plugin_host/plugin_dir.hpp"
#include "plugin_host/plugin_host.hpp"
#include "plugin_host/plugin_listing.hpp"
#include "service_notify/service_notify.hpp"
#include "vergegrid/plugin_api/abi.hpp"
#include "version/version.hpp"

namespace {

namespace vk = vergegrid::kernel;
namespace vc = vergegrid::control;
namespace config = vergegrid::config_sources;
namespace host = vergegrid::plugin_host;

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

// Every file found, with the fate start-up would give it (loaded, refused, failed, or skipped
// because vergegrid-control does not use its kind).
int list_plugins(const vc::ControlSettings& settings, const std::shared_ptr<spdlog::logger>& log) {
    host::PluginHost plugins(host::HostProgram{"vergegrid-control", settings.data_dir, log});
    plugins.discover(host::resolve_plugin_dir(settings.plugin_dir), vc::control_plane_kinds());
    std::cout << host::plugins_to_table(plugins.records());
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
                   std::string("directory searched for plugins (default ") +
                       host::kDefaultPluginDirHelp + "; env VERGEGRID_PLUGIN_DIR)");
    cli.add_flag("--list-plugins", list,
                 "print every plugin found, loaded, refused or skipped (and why), and exit");
    cli.set_version_flag("--version", std::string("vergegrid-control ") +
                                          vergegrid::kProgramVersion + " (plugin ABI " +
                                          vergegrid::plugin_api::kAbiVersion.to_string() + ")");
    const vc::AdminCommand admin(cli);
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

    vc::ControlSettings settings;
    try {
        settings = vc::load_control_settings(flags, config::process_environment());
    } catch (const config::ConfigError& e) {
        std::cerr << "vergegrid-control: " << e.what() << "\n";
        return kExitConfigError;
    }
    auto log = vergegrid::logging::make_root_logger(settings.log);
    if (list) {
        return list_plugins(settings, log);
    }
    if (admin.chosen()) {
        return admin.run(settings, log);
    }

    const sigset_t signals = block_termination_signals();
    vc::ControlPlane control_plane(settings, log, vc::add_control_routes);
    try {
        control_plane.start();
    } catch (const config::ConfigError& e) {
        log->error("{}", e.what());
        control_plane.stop();
        return kExitConfigError;
    } catch (const std::exception& e) {
        log->error("cannot start: {}", e.what());
        control_plane.stop();
        return kExitStartupError;
    }
    // start() returned: storage is open (and migrated), every plugin loaded, the routes installed
    // and the socket listening, which is what GET /readyz answers 200 for. `systemctl start`
    // (Type=notify) returns now, not earlier.
    vergegrid::service_notify::notify_ready("serving on port " +
                                            std::to_string(control_plane.port()));

    int signal = 0;
    sigwait(&signals, &signal);
    log->info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    vergegrid::service_notify::notify_stopping("draining in-flight requests");
    control_plane.stop();
    log->info("stopped cleanly");
    return 0;
}
