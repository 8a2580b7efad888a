#include "kernel/app/control_plane.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kernel/app/plugin_dir.hpp"
#include "kernel/app/startup_error.hpp"
#include "kernel/app/system_routes.hpp"
#include "kernel/config/config_error.hpp"
#include "kernel/http/server.hpp"
#include "kernel/http/tls.hpp"
#include "kernel/logging/logging.hpp"

namespace vergegrid::kernel::app {

namespace {

std::vector<config::PluginKeys> declared_keys(const plugins::PluginRegistry& registry) {
    std::vector<config::PluginKeys> keys;
    for (const auto& plugin : registry.loaded()) {
        const auto& r = plugin->record();
        keys.push_back({r.kind, r.name, r.config_keys});
    }
    return keys;
}

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

http::ServerSettings server_settings(const config::Settings& s) {
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

ControlPlane::ControlPlane(config::Settings settings, std::shared_ptr<spdlog::logger> log,
                           RouteInstaller service_routes)
    : settings_(std::move(settings)),
      log_(std::move(log)),
      service_routes_(std::move(service_routes)),
      plugins_(plugins::PluginLoader(logging::child_logger(log_, "plugins"))) {}

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

    const auto plugin_dir = resolve_plugin_dir(settings_);
    log_->info("discovering plugins in {}", plugin_dir.string());
    plugins_.discover(plugin_dir);
    const auto sections = config::resolve_plugin_sections(
        settings_.plugin_values, declared_keys(plugins_), config::process_environment());

    open_storage(sections);
    services_.auth.swap(create_service<plugin_api::AuthProvider>(
        plugin_api::kind::kAuth, settings_.auth_provider, "auth.provider", sections));
    services_.sync.swap(create_service<plugin_api::SyncScheduler>(
        plugin_api::kind::kSync, settings_.sync_scheduler, "sync.scheduler", sections));
    activate_placement(sections);

    auto router = std::make_shared<http::Router>();
    add_system_routes(*router, SystemContext{plugins_, services_, metrics_});
    if (service_routes_) {
        service_routes_(*router, services_, service_environment(sections));
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
std::shared_ptr<Interface> ControlPlane::create_service(std::string_view kind,
                                                        const std::string& name,
                                                        const std::string& setting,
                                                        const config::PluginSections& sections) {
    auto plugin = plugins_.find(std::string(kind), name);
    if (!plugin) {
        throw StartupError(setting + ": no loaded " + std::string(kind) + " plugin named '" + name +
                           "' (see vergegrid-control --list-plugins)");
    }
    const auto section_it = sections.find(plugin->record().kind + "." + name);
    const plugin_api::ConfigSection empty;
    const auto& section = section_it == sections.end() ? empty : section_it->second;
    try {
        return plugin->create<Interface>(host_context(*plugin, section));
    } catch (const plugins::PluginCreateError& e) {
        if (!e.config_key.empty()) {
            throw config::ConfigError(e.config_key, e.config_message);
        }
        throw StartupError(e.what());
    }
}

void ControlPlane::open_storage(const config::PluginSections& sections) {
    auto storage = create_service<plugin_api::StorageBackend>(
        plugin_api::kind::kStorage, settings_.storage_backend, "storage.backend", sections);
    try {
        storage->open();
    } catch (const std::exception& e) {
        throw StartupError("storage " + settings_.storage_backend + " cannot open: " + e.what());
    }
    services_.storage.swap(std::move(storage));
}

// The configured policy must load; the default one may be missing (a trimmed plugin folder): the
// control plane then runs without placement and says so.
void ControlPlane::activate_placement(const config::PluginSections& sections) {
    const auto& configured = settings_.placement.policy;
    const std::string name = configured.value_or("basic-rules");
    if (!configured && !plugins_.find(std::string(plugin_api::kind::kPlacement), name)) {
        log_->warn("no placement plugin named '{}': regions are placed only by hand", name);
        return;
    }
    services_.placement.swap(create_service<plugin_api::PlacementPolicy>(
        plugin_api::kind::kPlacement, name, "placement.policy", sections));
    log_->info("placement policy: {}", name);
}

ServiceEnvironment ControlPlane::service_environment(const config::PluginSections& sections) {
    ServiceEnvironment environment;
    environment.data_dir = settings_.data_dir;
    environment.log = log_;
    environment.simulators = settings_.simulators;
    environment.auth_cache_ttl = settings_.auth_cache_ttl;
    environment.login_throttle = settings_.login_throttle;
    environment.tls = settings_.tls.enabled();
    environment.keep_while_serving = [this](std::shared_ptr<void> object) {
        service_objects_.push_back(std::move(object));
    };
    environment.placement = settings_.placement;
    for (const auto& plugin : plugins_.loaded()) {
        if (plugin->record().kind == plugin_api::kind::kPlacement) {
            environment.placement_policies.push_back(plugin->record().name);
        }
    }
    std::sort(environment.placement_policies.begin(), environment.placement_policies.end());
    // The registry outlives the routes (both live as long as this ControlPlane).
    // A bad value in the policy's section escapes as config::ConfigError naming the key: the
    // placement service answers it as bad input (422), not as a failure of the plugin.
    environment.make_placement_policy = [this, sections](const std::string& name) {
        return create_service<plugin_api::PlacementPolicy>(plugin_api::kind::kPlacement, name,
                                                           "placement.policy", sections);
    };
    return environment;
}

plugin_api::HostContext ControlPlane::host_context(const plugins::LoadedPlugin& plugin,
                                                   const plugin_api::ConfigSection& section) const {
    return plugin_api::HostContext{
        plugin_api::kAbiVersion,
        logging::make_plugin_logger(log_, plugin.record().kind + "." + plugin.record().name),
        section,
        settings_.data_dir.string(),
    };
}

void ControlPlane::stop() {
    if (server_) {
        log_->info("stopping: no new connections, draining in-flight requests (up to {} ms)",
                   settings_.http.drain_timeout.count());
        server_->stop(settings_.http.drain_timeout);
        server_.reset();
    }
    service_objects_.clear();
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

}  // namespace vergegrid::kernel::app
