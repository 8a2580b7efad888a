// vergegrid-control's composition and lifecycle: start (plugins of the kinds it uses, storage,
// placement, HTTP) and a clean stop (stop accepting, drain in-flight requests, close storage).
#pragma once

#include <spdlog/fwd.h>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "control/app/control_settings.hpp"
#include "kernel/metrics/registry.hpp"
#include "kernel/services/service_registry.hpp"
#include "plugin_host/plugin_host.hpp"
#include "vergegrid/plugin_api/blueprint.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"
#include "vergegrid/plugin_api/migration.hpp"
#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace vergegrid::kernel::http {
class Router;
class Server;
class TlsServerContext;
}  // namespace vergegrid::kernel::http

namespace vergegrid::control {

// The plugin kinds vergegrid-control uses (injection plugins are the bridge's: listed, skipped).
std::vector<plugin_host::KindUse> control_plane_kinds();

// What the services built on the kernel get when they are installed.
struct ServiceEnvironment {
    std::filesystem::path data_dir;
    std::shared_ptr<spdlog::logger> log;
    // Placement: the settings, the names of the loaded placement plugins (sorted) and a way to
    // make a policy object from one of them, configured from its section, for runtime swaps.
    // make_placement_policy throws config_sources::ConfigError naming the key for a bad value in
    // the policy's section, another std::runtime_error naming the problem otherwise.
    PlacementSettings placement;
    std::vector<std::string> placement_policies;
    std::function<std::shared_ptr<plugin_api::PlacementPolicy>(const std::string& name)>
        make_placement_policy;
    SimulatorsSettings simulators;
    std::chrono::milliseconds auth_cache_ttl{1'000};
    LoginThrottleSettings login_throttle;
    // [storage] group_commit (docs/group-commit.md).
    bool group_commit = true;
    // Snapshots: the settings and the one snapshot store loaded (null: none, snapshot routes
    // answer 503).
    SnapshotSettings snapshots;
    std::shared_ptr<plugin_api::SnapshotStore> snapshot_store;
    // Migrations: the one strategy loaded ([migration] strategy, default "oar"; null: none, moves
    // with content answer 503 migrations_unavailable).
    std::shared_ptr<plugin_api::MigrationStrategy> migration_strategy;
    std::string migration_strategy_name;  // its name, e.g. "oar" ("" = none)
    int migration_step_timeout_s = 1800;  // migration.step_timeout_s
    // The server speaks TLS only: the session cookie is marked Secure.
    bool tls = false;
    // Several control planes on one database (docs/ha.md): [ha], the storage plugin's name, and
    // how this replica is named and reached (known once the server listens).
    HaSettings ha;
    // The event bus: [events], and the event_sink plugins loaded (events.sinks), by name.
    EventsSettings events;
    std::map<std::string, std::shared_ptr<plugin_api::EventSink>> event_sinks;
    std::string storage_backend;
    // The blueprint plugins loaded (blueprints.load), by name.
    std::map<std::string, std::shared_ptr<plugin_api::Blueprint>> blueprints;
    std::function<std::string()> replica_name;
    std::function<std::string()> replica_url;
    // The process' metrics (GET /metrics); it outlives the services.
    kernel::metrics::Registry* metrics = nullptr;
    // Keeps an object (a background thread) alive while the control plane serves: stop() releases
    // it after the HTTP server stopped and before storage closes.
    std::function<void(std::shared_ptr<void>)> keep_while_serving;
    // Runs a task once the server listens (its port known), e.g. to log the first login link.
    std::function<void(std::function<void()>)> when_listening;
};

// Adds the services built on the kernel (regions, estates, access, ...) and their routes. Runs at
// start-up once storage is open; may throw StartupError. The kernel stays ignorant of those
// services: the executable composes the two.
using RouteInstaller = std::function<void(kernel::http::Router&, kernel::services::ServiceRegistry&,
                                          const ServiceEnvironment&)>;

class ControlPlane {
  public:
    ControlPlane(ControlSettings settings, std::shared_ptr<spdlog::logger> log,
                 RouteInstaller service_routes = {});
    ~ControlPlane();
    ControlPlane(const ControlPlane&) = delete;
    ControlPlane& operator=(const ControlPlane&) = delete;

    // Throws config_sources::ConfigError for bad plugin configuration, StartupError for anything
    // else.
    void start();
    // Idempotent; safe to call when start() failed half-way.
    void stop();

    std::uint16_t port() const;
    const plugin_host::PluginRegistry& plugins() const { return plugins_.registry(); }

  private:
    std::shared_ptr<const kernel::http::TlsServerContext> load_tls() const;
    void open_storage();
    void activate_placement();
    void open_snapshot_store();
    void open_migration_strategy();
    void open_event_sinks();
    void open_blueprints();
    ServiceEnvironment service_environment();
    // Creates the named plugin of Interface's kind, configured from its section; `setting` is the
    // key that named it, for the error.
    template <typename Interface>
    std::shared_ptr<Interface> create_service(const std::string& name, const std::string& setting);

    ControlSettings settings_;
    std::shared_ptr<spdlog::logger> log_;
    RouteInstaller service_routes_;
    kernel::metrics::Registry metrics_;
    plugin_host::PluginHost plugins_;
    kernel::services::ServiceRegistry services_;
    std::unique_ptr<kernel::http::Server> server_;
    std::shared_ptr<plugin_api::SnapshotStore> snapshot_store_;
    std::shared_ptr<plugin_api::MigrationStrategy> migration_strategy_;
    std::map<std::string, std::shared_ptr<plugin_api::EventSink>> event_sinks_;
    std::map<std::string, std::shared_ptr<plugin_api::Blueprint>> blueprints_;
    std::vector<std::shared_ptr<void>> service_objects_;  // see ServiceEnvironment
    std::vector<std::function<void()>> listening_tasks_;  // see ServiceEnvironment
};

}  // namespace vergegrid::control
