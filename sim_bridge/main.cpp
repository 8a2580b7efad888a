// vergegrid-bridge: the daemon beside each OpenSim simulator (docs/bridge.md).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <thread>

#include "kernel/app/plugin_dir.hpp"
#include "kernel/config/config_error.hpp"
#include "kernel/config/plugin_sections.hpp"
#include "kernel/logging/logging.hpp"
#include "kernel/plugins/plugin_registry.hpp"
#include "kernel/version.hpp"
#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/core/bridge.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace config = vergegrid::kernel::config;
namespace plugins = vergegrid::kernel::plugins;
using vergegrid::bridge::BridgeSettings;

constexpr int kConfigErrorStatus = 2;
constexpr int kStartupErrorStatus = 1;

// Only injection plugins: the bridge maps no storage driver it will never use.
std::shared_ptr<api::InjectionStrategy> load_strategy(const BridgeSettings& settings,
                                                      const std::shared_ptr<spdlog::logger>& root,
                                                      const config::EnvLookup& env) {
    config::Settings kernel_view;
    kernel_view.plugin_dir = settings.plugin_dir;
    const auto dir = vergegrid::kernel::app::resolve_plugin_dir(kernel_view);
    plugins::PluginRegistry registry(
        plugins::PluginLoader(vergegrid::kernel::logging::child_logger(root, "plugins")));
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& item : std::filesystem::directory_iterator(dir, error)) {
        const auto name = item.path().filename().string();
        if (name.rfind("vg-injection-", 0) == 0 && item.path().extension() == ".so") {
            files.push_back(item.path());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        registry.add(file);
    }
    std::vector<config::PluginKeys> keys;
    for (const auto& plugin : registry.loaded()) {
        keys.push_back(
            {plugin->record().kind, plugin->record().name, plugin->record().config_keys});
    }
    const auto sections = config::resolve_plugin_sections(settings.plugin_values, keys, env);
    auto plugin = registry.find(std::string(api::kind::kInjection), settings.injection);
    if (!plugin) {
        throw config::ConfigError(
            "injection", "no injection plugin '" + settings.injection + "' in " + dir.string());
    }
    const std::string section = "injection." + settings.injection;
    const api::ConfigSection empty;
    const auto it = sections.find(section);
    const api::HostContext host{
        api::kAbiVersion, vergegrid::kernel::logging::make_plugin_logger(root, section),
        it == sections.end() ? empty : it->second, settings.state_dir.string()};
    return plugin->create<api::InjectionStrategy>(host);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "vergegrid-bridge: injects and tears down regions in a running OpenSim for the "
        "VergeGrid control plane"};
    vergegrid::bridge::BridgeCommandLine flags;
    std::string config_file, state_dir, plugin_dir;
    app.add_option("--config", config_file, "INI file (docs/bridge.md lists every key)");
    app.add_option("--state-dir", state_dir, "identity, desired-state cache, simulator log");
    app.add_option("--plugin-dir", plugin_dir, "where vg-injection-*.so plugins are");
    app.set_version_flag("--version", std::string(vergegrid::kernel::kProgramVersion));
    CLI11_PARSE(app, argc, argv);
    if (!config_file.empty())
        flags.config_file = config_file;
    if (!state_dir.empty())
        flags.state_dir = state_dir;
    if (!plugin_dir.empty())
        flags.plugin_dir = plugin_dir;

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
    auto root = vergegrid::kernel::logging::make_root_logger(settings.log);
    std::shared_ptr<api::InjectionStrategy> strategy;
    try {
        strategy = load_strategy(settings, root, env);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            root->error("configuration error: {}{}", issue.key.empty() ? "" : issue.key + ": ",
                        issue.message);
        }
        return kConfigErrorStatus;
    } catch (const plugins::PluginCreateError& e) {
        root->error("{}", e.what());
        return e.config_key.empty() ? kStartupErrorStatus : kConfigErrorStatus;
    }

    auto bridge = std::make_unique<vergegrid::bridge::Bridge>(settings, strategy, root);
    // Start-up (registration retried until the control plane answers, the simulator started)
    // runs beside the signal wait, so SIGTERM ends a bridge that is still starting too.
    std::string start_error;
    std::thread starter([&] {
        try {
            bridge->start();
            root->info("vergegrid-bridge {} running", vergegrid::kernel::kProgramVersion);
        } catch (const std::exception& e) {
            start_error = e.what();
            ::kill(::getpid(), SIGUSR1);
        }
    });
    int signal_number = 0;
    sigwait(&signals, &signal_number);
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
