// vergegrid-bridge: the daemon beside each OpenSim simulator (docs/bridge.md).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <thread>

#include "config_sources/config_error.hpp"
#include "logging/logging.hpp"
#include "plugin_host/plugin_dir.hpp"
#include "plugin_host/plugin_host.hpp"
#include "plugin_host/plugin_listing.hpp"
#include "service_notify/service_notify.hpp"
#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/core/bridge.hpp"
#include "sim_bridge/preflight/preflight.hpp"
#include "vergegrid/plugin_api/injection.hpp"
#include "version/version.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace config = vergegrid::config_sources;
namespace host = vergegrid::plugin_host;
using vergegrid::bridge::BridgeSettings;

constexpr int kConfigErrorStatus = 2;
constexpr int kStartupErrorStatus = 1;

// The bridge uses injection plugins only: files of other kinds are listed as skipped, and those
// named vg-<kind>-*.so are not even opened (no storage driver mapped that it will never use).
std::unique_ptr<host::PluginHost> discover_plugins(const BridgeSettings& settings,
                                                   const std::shared_ptr<spdlog::logger>& root) {
    auto plugins = std::make_unique<host::PluginHost>(
        host::HostProgram{"vergegrid-bridge", settings.state_dir, root});
    plugins->discover(host::resolve_plugin_dir(settings.plugin_dir), {{api::kind::kInjection, 0}});
    return plugins;
}

std::shared_ptr<api::InjectionStrategy> load_strategy(const BridgeSettings& settings,
                                                      host::PluginHost& plugins,
                                                      const config::EnvLookup& env) {
    plugins.configure(settings.plugin_values, env, config::process_environment_names(),
                      vergegrid::bridge::bridge_env_names());
    try {
        return plugins.create<api::InjectionStrategy>(settings.injection);
    } catch (const host::PluginMissing&) {
        throw config::ConfigError("injection",
                                  "no injection plugin '" + settings.injection + "' in " +
                                      host::resolve_plugin_dir(settings.plugin_dir).string());
    }
}

// --check: the preflight report on stdout; exit 1 when anything needs fixing.
int run_check(const BridgeSettings& settings) {
    namespace bridge = vergegrid::bridge;
    const auto& sim = settings.simulator;
    const bridge::RemoteAdminClient admin(
        bridge::XmlRpcEndpoint::parse(sim.remoteadmin_url), sim.remoteadmin_password,
        bridge::XmlRpcLimits{sim.max_response_bytes, bridge::XmlRpcLimits{}.max_depth});
    const auto report = bridge::run_preflight(sim, admin);
    for (const auto& passed : report.passed) {
        std::cout << "ok: " << passed << "\n";
    }
    for (const auto& note : report.notes) {
        std::cout << "note: " << note << "\n";
    }
    for (const auto& problem : report.problems) {
        std::cout << "problem: " << problem.problem << " — fix: " << problem.fix << "\n";
    }
    std::cout << (report.problems.empty() ? "the simulator's configuration is ready for the bridge"
                                          : std::to_string(report.problems.size()) + " problem(s)")
              << "\n";
    return report.problems.empty() ? 0 : kStartupErrorStatus;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "vergegrid-bridge: injects and tears down regions in a running OpenSim for the "
        "VergeGrid control plane"};
    vergegrid::bridge::BridgeCommandLine flags;
    std::string config_file, state_dir, plugin_dir;
    bool list = false;
    bool check = false;
    app.add_option("--config", config_file, "INI file (docs/bridge.md lists every key)");
    app.add_option("--state-dir", state_dir, "identity, desired-state cache, simulator log");
    app.add_option("--plugin-dir", plugin_dir,
                   std::string("directory searched for injection plugins (default ") +
                       host::kDefaultPluginDirHelp + "; env VERGEGRID_PLUGIN_DIR)");
    app.add_flag("--list-plugins", list,
                 "print every plugin found, loaded, refused or skipped (and why), and exit");
    app.add_flag("--check", check,
                 "check the simulator's configuration (RemoteAdmin, enabled methods, "
                 "allow_regionless, [Estates] Default*, the regions folder), print each problem "
                 "with its fix, exit 1 on any");
    app.set_version_flag("--version", std::string(vergegrid::kProgramVersion));
    CLI11_PARSE(app, argc, argv);
    if (!config_file.empty())
        flags.config_file = config_file;
    if (!state_dir.empty())
        flags.state_dir = state_dir;
    if (!plugin_dir.empty())
        flags.plugin_dir = plugin_dir;
    flags.list_plugins = list;

    // Signals are taken by sigwait below; threads started later inherit the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGUSR1);  // start-up failed
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    const auto env = config::process_environment();
    BridgeSettings settings;
    try {
        settings = vergegrid::bridge::load_bridge_settings(flags, env);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            std::cerr << "vergegrid-bridge: configuration error: "
                      << (issue.key.empty() ? "" : issue.key + ": ") << issue.message << "\n";
        }
        return kConfigErrorStatus;
    }
    if (check) {
        return run_check(settings);
    }
    auto root = vergegrid::logging::make_root_logger(settings.log);
    auto plugins = discover_plugins(settings, root);
    if (list) {
        std::cout << host::plugins_to_table(plugins->records());
        return 0;
    }
    std::shared_ptr<api::InjectionStrategy> strategy;
    try {
        strategy = load_strategy(settings, *plugins, env);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            root->error("configuration error: {}{}", issue.key.empty() ? "" : issue.key + ": ",
                        issue.message);
        }
        return kConfigErrorStatus;
    } catch (const host::PluginCreateError& e) {
        root->error("{}", e.what());
        return e.config_key.empty() ? kStartupErrorStatus : kConfigErrorStatus;
    }

    auto bridge = std::make_unique<vergegrid::bridge::Bridge>(settings, strategy, root);
    // Start-up (registration retried until the control plane answers, the simulator started)
    // runs beside the signal wait, so SIGTERM ends a bridge that is still starting too.
    std::string start_error;
    std::atomic<bool> stopping{false};
    std::thread starter([&] {
        try {
            bridge->start();
            root->info("vergegrid-bridge {} running", vergegrid::kProgramVersion);
            // Ready for systemd (Type=notify) only now that start() returned: the bridge has its
            // identity (registered, or identity.json), the first reconcile put the simulator as
            // the cache says (stubs rewritten, the supervised simulator started or adopted, the
            // desired regions injected again) and the pull, heartbeat and watch loops run, so
            // operations are taken from here on. Earlier, `systemctl start` would return while
            // the first registration still waits for the control plane.
            if (!stopping) {
                vergegrid::service_notify::notify_ready("running");
            }
        } catch (const std::exception& e) {
            start_error = e.what();
            ::kill(::getpid(), SIGUSR1);
        }
    });
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    stopping = true;
    if (signal_number != SIGUSR1) {
        vergegrid::service_notify::notify_stopping(
            "stopping: waiting for the long poll in flight (at most channel.pull_wait_s)");
    }
    bridge->request_stop();
    starter.join();
    if (signal_number != SIGUSR1) {
        root->info("signal {}: stopping", signal_number);
    }
    bridge->stop();
    bridge.reset();
    strategy.reset();
    if (signal_number == SIGUSR1) {
        root->error("cannot start: {}", start_error);
        return kStartupErrorStatus;
    }
    root->info("stopped");
    return 0;
}
