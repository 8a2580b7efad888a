#include "control/app/admin_command.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <iostream>

#include "config_sources/sources.hpp"
#include "control/access/admin_bootstrap.hpp"
#include "control/access/login_link_service.hpp"
#include "control/access/user_service.hpp"
#include "control/app/control_plane.hpp"
#include "control/app/first_login.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/extensions.hpp"
#include "control/events/event_outbox_writer.hpp"
#include "kernel/services/service_registry.hpp"
#include "new_password/new_password.hpp"
#include "plugin_host/plugin_dir.hpp"
#include "plugin_host/plugin_host.hpp"

namespace vergegrid::control {

namespace {

namespace config = config_sources;

constexpr int kRefused = 1;
constexpr int kBadInput = 2;
const Actor kLocalAdmin{"local:admin-command", ""};

// Thrown to end the command with a message and a status.
struct Refusal {
    int status;
    std::string message;
};

// Root writing into a data dir that belongs to the service's user would leave files (the SQLite
// database, admin-token) the service then cannot write.
void refuse_foreign_data_dir(const std::filesystem::path& dir) {
    struct stat info {};
    if (::geteuid() != 0 || ::stat(dir.c_str(), &info) != 0 || info.st_uid == 0) {
        return;
    }
    const passwd* owner = ::getpwuid(info.st_uid);
    const std::string name = owner ? owner->pw_name : std::to_string(info.st_uid);
    throw Refusal{kRefused, "the data dir " + dir.string() + " belongs to '" + name +
                                "': run this as that user (sudo -u " + name + " ...)"};
}

// The storage and auth provider of the configured plugins, opened as the server opens them; the
// plugin objects are released before the host that loaded them.
class OpenedServices {
  public:
    OpenedServices(const ControlSettings& settings, const std::shared_ptr<spdlog::logger>& log)
        : plugins_(plugin_host::HostProgram{"vergegrid-control", settings.data_dir, log}) {
        std::error_code error;
        if (std::filesystem::create_directories(settings.data_dir, error) && !error) {
            std::filesystem::permissions(settings.data_dir, std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::replace, error);
        }
        refuse_foreign_data_dir(settings.data_dir);
        plugins_.discover(plugin_host::resolve_plugin_dir(settings.plugin_dir),
                          control_plane_kinds());
        plugins_.configure(settings.plugin_values, config::process_environment(),
                           config::process_environment_names(), control_env_names());
        auto storage = create<plugin_api::StorageBackend>(settings.storage_backend);
        try {
            storage->open();
        } catch (const std::exception& e) {
            throw Refusal{kRefused,
                          "storage " + settings.storage_backend + " cannot open: " + e.what()};
        }
        services_.storage.swap(std::move(storage));
        services_.auth.swap(create<plugin_api::AuthProvider>(settings.auth_provider));
    }
    ~OpenedServices() {
        services_.auth.swap(nullptr);
        if (auto storage = services_.storage.swap(nullptr)) {
            storage->close();
        }
    }
    OpenedServices(const OpenedServices&) = delete;
    OpenedServices& operator=(const OpenedServices&) = delete;

    kernel::services::ServiceRegistry& services() { return services_; }

  private:
    template <typename Interface>
    std::shared_ptr<Interface> create(const std::string& name) {
        try {
            return plugins_.create<Interface>(name);
        } catch (const plugin_host::PluginMissing& e) {
            throw Refusal{kRefused,
                          std::string(e.what()) + " (see vergegrid-control --list-plugins)"};
        } catch (const plugin_host::PluginCreateError& e) {
            throw Refusal{kBadInput, e.what()};
        }
    }

    plugin_host::PluginHost plugins_;
    kernel::services::ServiceRegistry services_;
};

enum class UserState { exists, first_admin, unknown };

// `first_admin`: the database is empty and the user asked for is "admin", whom the first start
// would create.
UserState user_state(const Store& store, const std::string& name) {
    return store.read([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        if (access.find_user_by_name(name)) {
            return UserState::exists;
        }
        return name == "admin" && access.count_users() == 0 ? UserState::first_admin
                                                            : UserState::unknown;
    });
}

// The user to act on exists, or is created as the first start would (admin-token included).
void ensure_user(const Store& store, plugin_api::AuthProvider& auth, const std::string& name,
                 const ControlSettings& settings, spdlog::logger& log) {
    const auto state = user_state(store, name);
    if (state == UserState::unknown) {
        throw Refusal{kRefused, "no user named '" + name + "'"};
    }
    if (state == UserState::first_admin &&
        bootstrap_admin(store, auth, settings.data_dir,
                        config::process_environment()("VERGEGRID_ADMIN_TOKEN"), log)) {
        std::cerr << "empty database: created user 'admin' as the first start would (its API "
                     "token: VERGEGRID_ADMIN_TOKEN or "
                  << (settings.data_dir / "admin-token").string() << ")\n";
    }
}

void set_password(const Store& store, kernel::services::ServiceRegistry& services,
                  const ControlSettings& settings, spdlog::logger& log, const std::string& name,
                  bool from_stdin) {
    // An unknown user is refused before the operator types anything.
    if (user_state(store, name) == UserState::unknown) {
        throw Refusal{kRefused, "no user named '" + name + "'"};
    }
    std::string password;
    try {
        password = new_password::read_new_password({std::cin, std::cerr, STDIN_FILENO, from_stdin},
                                                   "'" + name + "'");
    } catch (const new_password::PasswordInputError& e) {
        throw Refusal{kBadInput, e.what()};
    }
    try {
        // The provider's rule, before anything is written (the first admin included).
        services.auth.get()->hash_password(password);
    } catch (const std::invalid_argument& e) {
        throw Refusal{kRefused, std::string("password: ") + e.what()};
    }
    ensure_user(store, *services.auth.get(), name, settings, log);
    const UserService users(store, services.auth, {});
    const auto id = store.read([&](plugin_api::StorageTransaction& tx) {
        return access_store(tx).find_user_by_name(name).value().id;
    });
    users.reset_password(kLocalAdmin, id, password);
    std::cout << "password set for user '" << name
              << "'; its web sessions and unused login links ended\n";
}

void print_login_link(const Store& store, kernel::services::ServiceRegistry& services,
                      const ControlSettings& settings, spdlog::logger& log, const std::string& name,
                      int ttl_min) {
    ensure_user(store, *services.auth.get(), name, settings, log);
    // Not throttled: nobody guesses here. The service's throttle is for exchanges only.
    const LoginLinkService links(store, std::make_shared<LoginThrottle>(LoginThrottleSettings{}));
    const auto link = links.issue(kLocalAdmin, name, std::chrono::minutes(ttl_min)).value;
    std::cout << login_link_url(console_base_url(settings), link.secret) << "\n";
    std::cerr << "opens the web console as '" << link.user << "' once, until " << link.expires_at
              << "\n";
}

}  // namespace

AdminCommand::AdminCommand(CLI::App& cli) {
    auto* admin = cli.add_subcommand(
        "admin", "operator's commands on this machine's control-plane storage (no server needed)");
    admin->fallthrough();
    set_password_ = admin->add_subcommand(
        "set-password",
        "set a user's console password (asked twice without echo, or read from standard input); "
        "creates the first admin on an empty database");
    set_password_->fallthrough();
    set_password_->add_option("--user", user_, "the user (default admin)");
    set_password_->add_flag("--password-stdin", password_stdin_,
                            "read the password from the first line of standard input");
    login_link_ = admin->add_subcommand(
        "login-link", "print a one-time link that logs a user in to the web console");
    login_link_->fallthrough();
    login_link_->add_option("--user", user_, "the user (default admin)");
    login_link_->add_option("--ttl-min", ttl_min_, "minutes the link stays valid (default 15)")
        ->check(CLI::Range(1, static_cast<int>(kMaxLoginLinkTtl.count())));
    admin->require_subcommand(1);
}

bool AdminCommand::chosen() const {
    return set_password_->parsed() || login_link_->parsed();
}

int AdminCommand::run(const ControlSettings& settings,
                      const std::shared_ptr<spdlog::logger>& log) const {
    // The operator reads the command's own words; the plugins' start-up lines would drown them.
    if (log->level() < spdlog::level::warn) {
        log->set_level(spdlog::level::warn);
    }
    try {
        OpenedServices opened(settings, log);
        auto& services = opened.services();
        // The audit trail and the event outbox see these changes as they see the server's.
        const Store store(services.storage,
                          std::make_shared<const EventConsumers>(EventConsumers{
                              std::make_shared<AuditTrail>(),
                              std::make_shared<EventOutboxWriter>(
                                  settings.events.source, std::make_shared<EventSignals>())}));
        if (set_password_->parsed()) {
            set_password(store, services, settings, *log, user_, password_stdin_);
        } else {
            print_login_link(store, services, settings, *log, user_, ttl_min_);
        }
        return 0;
    } catch (const Refusal& refusal) {
        std::cerr << "vergegrid-control: " << refusal.message << "\n";
        return refusal.status;
    } catch (const config::ConfigError& e) {
        std::cerr << "vergegrid-control: " << e.what() << "\n";
        return kBadInput;
    } catch (const DomainError& e) {
        std::cerr << "vergegrid-control: " << (e.field().empty() ? "" : e.field() + ": ")
                  << e.what() << "\n";
        return kRefused;
    } catch (const std::exception& e) {
        std::cerr << "vergegrid-control: " << e.what() << "\n";
        return kRefused;
    }
}

}  // namespace vergegrid::control
