#include "control/app/control_plane.hpp"

#include <Poco/Net/DNS.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "config_sources/config_error.hpp"
#include "control/app/startup_error.hpp"
#include "control/app/system_routes.hpp"
#include "kernel/http/server.hpp"
#include "kernel/http/tls.hpp"
#include "logging/logging.hpp"
#include "plugin_host/kind_rules.hpp"
#include "plugin_host/plugin_dir.hpp"

namespace vergegrid::control {

namespace {

namespace http = kernel::http;
namespace config = config_sources;

std::string tls_key_name(http::TlsFileError::File file) {
    switch (file) {
        case http::TlsFileError::File::cert:
            return "tls.cert_file";
        case http::TlsFileError::File::key:
            return "tls.key_file";
        case http::TlsFileError::File::ca:
            return "tls.ca_file";
    }
    return "tls";
}

// IPv6 hosts in brackets, so that the logged address is a usable URL.
std::string url_host(const std::string& host) {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

http::ServerSettings server_settings(const kernel::config::Settings& s) {
    http::ServerSettings server;
    server.host = s.listen_host;
    server.port = s.listen_port;
    server.max_body_bytes = s.http.max_body_bytes;
    server.max_header_bytes = s.http.max_header_bytes;
    server.request_timeout = s.http.request_timeout;
    server.head_timeout = s.http.head_timeout;
    server.max_idle_connections = s.http.max_idle_connections;
    server.max_connections = s.http.max_connections;
    server.max_queued = s.http.max_queued;
    server.max_parked = s.http.max_parked;
    return server;
}

}  // namespace

std::vector<plugin_host::KindUse> control_plane_kinds() {
    namespace kind = plugin_api::kind;
    return {{kind::kStorage, 0},
            {kind::kAuth, 0},
            {kind::kSync, 0},
            {kind::kPlacement, 0},
            {kind::kSnapshotStore, plugin_host::kSnapshotStoreMinMinor},
            {kind::kMigration, plugin_host::kMigrationMinMinor},
            {kind::kEventSink, plugin_host::kEventSinkMinMinor},
            {kind::kBlueprint, plugin_host::kBlueprintMinMinor}};
}

ControlPlane::ControlPlane(ControlSettings settings, std::shared_ptr<spdlog::logger> log,
                           RouteInstaller service_routes)
    : settings_(std::move(settings)),
      log_(std::move(log)),
      service_routes_(std::move(service_routes)),
      plugins_(plugin_host::HostProgram{"vergegrid-control", settings_.data_dir, log_}) {}

ControlPlane::~ControlPlane() {
    stop();
}

void ControlPlane::start() {
    // First: a certificate that cannot be used is a configuration error, reported before
    // anything else (plugins, storage) is touched.
    auto tls = load_tls();

    std::error_code error;
    // A data dir made here holds the database and the admin token: the control plane's user
    // alone may enter it (0700, whatever the umask). One the operator made is left as it is.
    if (std::filesystem::create_directories(settings_.data_dir, error) && !error) {
        std::filesystem::permissions(settings_.data_dir, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, error);
    }
    if (error) {
        throw StartupError("cannot create data dir " + settings_.data_dir.string() + ": " +
                           error.message());
    }

    plugins_.discover(plugin_host::resolve_plugin_dir(settings_.plugin_dir), control_plane_kinds());
    plugins_.configure(settings_.plugin_values, config::process_environment(),
                       config::process_environment_names(), control_env_names());

    open_storage();
    services_.auth.swap(
        create_service<plugin_api::AuthProvider>(settings_.auth_provider, "auth.provider"));
    services_.sync.swap(
        create_service<plugin_api::SyncScheduler>(settings_.sync_scheduler, "sync.scheduler"));
    activate_placement();
    open_snapshot_store();
    open_migration_strategy();
    open_event_sinks();
    open_blueprints();

    auto router = std::make_shared<http::Router>();
    add_system_routes(*router, SystemContext{plugins_.registry(), services_, metrics_});
    if (service_routes_) {
        service_routes_(*router, services_, service_environment());
    }
    auto server = server_settings(settings_);
    server.tls = std::move(tls);
    server_ = std::make_unique<http::Server>(std::move(server), std::move(router), metrics_,
                                             logging::child_logger(log_, "http"));
    try {
        server_->start();
    } catch (const std::exception& e) {
        throw StartupError(e.what());
    }
    log_->info("vergegrid-control listening on {}://{}:{} (data dir {})", server_->scheme(),
               url_host(settings_.listen_host), server_->port(), settings_.data_dir.string());
    for (auto& task : std::exchange(listening_tasks_, {})) {
        task();
    }
}

std::shared_ptr<const http::TlsServerContext> ControlPlane::load_tls() const {
    const auto& tls = settings_.tls;
    if (!tls.enabled()) {
        return nullptr;
    }
    std::shared_ptr<const http::TlsServerContext> context;
    try {
        context = http::TlsServerContext::load({*tls.cert_file, *tls.key_file, tls.ca_file});
    } catch (const http::TlsFileError& e) {
        throw config::ConfigError(tls_key_name(e.file()), e.what());
    } catch (const std::exception& e) {
        throw StartupError(e.what());
    }
    log_->info("TLS certificate: {}", context->summary());
    for (const auto& warning : context->warnings()) {
        log_->warn("TLS: {}", warning);
    }
    return context;
}

template <typename Interface>
std::shared_ptr<Interface> ControlPlane::create_service(const std::string& name,
                                                        const std::string& setting) {
    try {
        return plugins_.create<Interface>(name);
    } catch (const plugin_host::PluginMissing& e) {
        throw StartupError(setting + ": " + e.what() + " (see vergegrid-control --list-plugins)");
    } catch (const plugin_host::PluginCreateError& e) {
        if (!e.config_key.empty()) {
            throw config::ConfigError(e.config_key, e.config_message);
        }
        throw StartupError(e.what());
    }
}

void ControlPlane::open_storage() {
    auto storage =
        create_service<plugin_api::StorageBackend>(settings_.storage_backend, "storage.backend");
    try {
        storage->open();
    } catch (const std::exception& e) {
        throw StartupError("storage " + settings_.storage_backend + " cannot open: " + e.what());
    }
    services_.storage.swap(std::move(storage));
}

// The configured policy must load; the default one may be missing (a trimmed plugin folder): the
// control plane then runs without placement and says so.
void ControlPlane::activate_placement() {
    const auto& configured = settings_.placement.policy;
    const std::string name = configured.value_or(kDefaultPlacementPolicy);
    if (!configured && !plugins_.find(plugin_api::kind::kPlacement, name)) {
        log_->warn("no placement plugin named '{}': regions are placed only by hand", name);
        return;
    }
    services_.placement.swap(create_service<plugin_api::PlacementPolicy>(name, "placement.policy"));
    log_->info("placement policy: {}", name);
}

// One snapshot store. The configured one must load; the default one may be missing (a trimmed
// plugin folder): the control plane then runs without snapshots (their routes answer 503).
void ControlPlane::open_snapshot_store() {
    const auto& name = settings_.snapshots.store;
    if (!settings_.snapshot_store_configured &&
        !plugins_.find(plugin_api::kind::kSnapshotStore, name)) {
        log_->warn("no snapshot_store plugin named '{}': snapshots are unavailable", name);
        return;
    }
    snapshot_store_ = create_service<plugin_api::SnapshotStore>(name, "snapshots.store");
    log_->info("snapshot store: {}", name);
}

// One migration strategy, chosen like the placement policy: the configured one must load; the
// default one may be missing (a trimmed plugin folder), and moves with content then answer 503.
void ControlPlane::open_migration_strategy() {
    const auto& configured = settings_.migration_strategy;
    const std::string name = configured.value_or(kDefaultMigrationStrategy);
    if (!configured && !plugins_.find(plugin_api::kind::kMigration, name)) {
        log_->warn("no migration plugin named '{}': moves with content are unavailable", name);
        return;
    }
    migration_strategy_ = create_service<plugin_api::MigrationStrategy>(name, "migration.strategy");
    log_->info("migration strategy: {}", name);
}

// The event sinks: configured ones must load; the default (webhook) may be missing (a trimmed
// plugin folder), and webhooks then answer 503.
void ControlPlane::open_event_sinks() {
    for (const auto& name : settings_.events.sinks) {
        if (!settings_.events.sinks_configured &&
            !plugins_.find(plugin_api::kind::kEventSink, name)) {
            log_->warn("no event_sink plugin named '{}': its events are not delivered", name);
            continue;
        }
        event_sinks_[name] = create_service<plugin_api::EventSink>(name, "events.sinks");
        log_->info("event sink: {}", name);
    }
}

// The blueprints, loaded like the event sinks: configured ones must load; the defaults may be
// missing (a trimmed plugin folder) and are then simply not offered.
void ControlPlane::open_blueprints() {
    for (const auto& name : settings_.blueprints.load) {
        if (!settings_.blueprints.load_configured &&
            !plugins_.find(plugin_api::kind::kBlueprint, name)) {
            log_->warn("no blueprint plugin named '{}': it is not offered", name);
            continue;
        }
        blueprints_[name] = create_service<plugin_api::Blueprint>(name, "blueprints.load");
        log_->info("blueprint: {}", name);
    }
}

ServiceEnvironment ControlPlane::service_environment() {
    ServiceEnvironment environment;
    environment.data_dir = settings_.data_dir;
    environment.log = log_;
    environment.simulators = settings_.simulators;
    environment.auth_cache_ttl = settings_.auth_cache_ttl;
    environment.login_throttle = settings_.login_throttle;
    environment.group_commit = settings_.storage_group_commit;
    environment.tls = settings_.tls.enabled();
    environment.ha = settings_.ha;
    environment.storage_backend = settings_.storage_backend;
    environment.events = settings_.events;
    environment.event_sinks = event_sinks_;
    environment.blueprints = blueprints_;
    // A wildcard listen address names no host another machine can reach: the host's name then.
    const bool wildcard = settings_.listen_host == "0.0.0.0" || settings_.listen_host == "::";
    const std::string host = wildcard ? Poco::Net::DNS::hostName() : settings_.listen_host;
    environment.replica_name = [this, host] {
        return settings_.ha.name.empty() ? url_host(host) + ":" + std::to_string(port())
                                         : settings_.ha.name;
    };
    environment.replica_url = [this, host] {
        if (!settings_.ha.advertise_url.empty()) {
            return settings_.ha.advertise_url;
        }
        return std::string(settings_.tls.enabled() ? "https" : "http") + "://" + url_host(host) +
               ":" + std::to_string(port());
    };
    environment.snapshots = settings_.snapshots;
    environment.snapshot_store = snapshot_store_;
    environment.migration_strategy = migration_strategy_;
    if (migration_strategy_) {
        environment.migration_strategy_name =
            settings_.migration_strategy.value_or(kDefaultMigrationStrategy);
    }
    environment.migration_step_timeout_s = settings_.migration_step_timeout_s;
    environment.metrics = &metrics_;
    environment.keep_while_serving = [this](std::shared_ptr<void> object) {
        service_objects_.push_back(std::move(object));
    };
    environment.when_listening = [this](std::function<void()> task) {
        listening_tasks_.push_back(std::move(task));
    };
    environment.placement = settings_.placement;
    environment.placement_policies = plugins_.names(plugin_api::kind::kPlacement);
    // The host outlives the routes (both live as long as this ControlPlane).
    // A bad value in the policy's section escapes as ConfigError naming the key: the placement
    // service answers it as bad input (422), not as a failure of the plugin.
    environment.make_placement_policy = [this](const std::string& name) {
        return create_service<plugin_api::PlacementPolicy>(name, "placement.policy");
    };
    return environment;
}

void ControlPlane::stop() {
    if (server_) {
        log_->info("stopping: no new connections, draining in-flight requests (up to {} ms)",
                   settings_.http.drain_timeout.count());
        server_->stop(settings_.http.drain_timeout);
        server_.reset();
    }
    service_objects_.clear();
    snapshot_store_.reset();
    migration_strategy_.reset();
    event_sinks_.clear();
    blueprints_.clear();
    services_.auth.swap(nullptr);
    services_.sync.swap(nullptr);
    services_.placement.swap(nullptr);
    if (auto storage = services_.storage.swap(nullptr)) {
        storage->close();
        log_->info("storage closed");
    }
}

std::uint16_t ControlPlane::port() const {
    return server_ ? server_->port() : 0;
}

}  // namespace vergegrid::control
