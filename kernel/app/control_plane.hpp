// The control plane's lifecycle: start (plugins, storage, HTTP) and a clean stop (stop accepting,
// drain in-flight requests, close storage).
#pragma once

#include <spdlog/fwd.h>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel/config/plugin_sections.hpp"
#include "kernel/config/settings.hpp"
#include "kernel/metrics/registry.hpp"
#include "kernel/plugins/plugin_registry.hpp"
#include "kernel/services/service_registry.hpp"

namespace vergegrid::kernel::http {
class Router;
class Server;
class TlsServerContext;
}  // namespace vergegrid::kernel::http

namespace vergegrid::kernel::app {

// What the services built on the kernel get when they are installed.
struct ServiceEnvironment {
    std::filesystem::path data_dir;
    std::shared_ptr<spdlog::logger> log;
    // Placement: the settings, the names of the loaded placement plugins (sorted) and a way to
    // make a policy object from one of them, configured from its section, for runtime swaps.
    // make_placement_policy throws config::ConfigError naming the key for a bad value in the
    // policy's section, another std::runtime_error naming the problem otherwise.
    config::PlacementSettings placement;
    std::vector<std::string> placement_policies;
    std::function<std::shared_ptr<plugin_api::PlacementPolicy>(const std::string& name)>
        make_placement_policy;
    config::SimulatorsSettings simulators;
    std::chrono::milliseconds auth_cache_ttl{1'000};
    config::LoginThrottleSettings login_throttle;
    // The server speaks TLS only: the session cookie is marked Secure.
    bool tls = false;
    // Keeps an object (a background thread) alive while the control plane serves: stop() releases
    // it after the HTTP server stopped and before storage closes.
    std::function<void(std::shared_ptr<void>)> keep_while_serving;
};

// Adds the services built on the kernel (regions, estates, access, ...) and their routes. Runs at
// start-up once storage is open; may throw StartupError. The kernel stays ignorant of those
// services: the executable composes the two.
using RouteInstaller =
    std::function<void(http::Router&, services::ServiceRegistry&, const ServiceEnvironment&)>;

class ControlPlane {
  public:
    ControlPlane(config::Settings settings, std::shared_ptr<spdlog::logger> log,
                 RouteInstaller service_routes = {});
    ~ControlPlane();
    ControlPlane(const ControlPlane&) = delete;
    ControlPlane& operator=(const ControlPlane&) = delete;

    // Throws config::ConfigError for bad plugin configuration, StartupError for anything else.
    void start();
    // Idempotent; safe to call when start() failed half-way.
    void stop();

    std::uint16_t port() const;
    const plugins::PluginRegistry& plugins() const { return plugins_; }

  private:
    std::shared_ptr<const http::TlsServerContext> load_tls() const;
    void open_storage(const config::PluginSections& sections);
    void activate_placement(const config::PluginSections& sections);
    ServiceEnvironment service_environment(const config::PluginSections& sections);
    // Creates the named plugin of `kind` as Interface, configured from its section.
    template <typename Interface>
    std::shared_ptr<Interface> create_service(std::string_view kind, const std::string& name,
                                              const std::string& setting,
                                              const config::PluginSections& sections);
    plugin_api::HostContext host_context(const plugins::LoadedPlugin& plugin,
                                         const plugin_api::ConfigSection& section) const;

    config::Settings settings_;
    std::shared_ptr<spdlog::logger> log_;
    RouteInstaller service_routes_;
    metrics::Registry metrics_;
    plugins::PluginRegistry plugins_;
    services::ServiceRegistry services_;
    std::unique_ptr<http::Server> server_;
    std::vector<std::shared_ptr<void>> service_objects_;  // see ServiceEnvironment
};

}  // namespace vergegrid::kernel::app
