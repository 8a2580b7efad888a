#include "control/app/control_routes.hpp"

#include <spdlog/spdlog.h>

#include "config_sources/sources.hpp"
#include "control/access/admin_bootstrap.hpp"
#include "control/access/authenticator.hpp"
#include "control/access/session_routes.hpp"
#include "control/access/user_routes.hpp"
#include "control/api/error_mapping.hpp"
#include "control/app/startup_error.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/estates/estate_routes.hpp"
#include "control/operations/operation_routes.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/placement/placement_routes.hpp"
#include "control/regions/region_routes.hpp"
#include "control/simulators/simulator_liveness.hpp"
#include "control/simulators/simulator_routes.hpp"
#include "control/templates/template_routes.hpp"
#include "web_admin/server/web_console.hpp"

namespace vergegrid::control {

void add_control_routes(kernel::http::Router& router, kernel::services::ServiceRegistry& services,
                        const ServiceEnvironment& environment) {
    install_error_mapping(router);
    const Store store(services.storage, std::make_shared<const EventConsumers>(
                                            EventConsumers{std::make_shared<AuditTrail>()}));
    try {
        bootstrap_admin(store, *services.auth.get(), environment.data_dir,
                        config_sources::process_environment()("VERGEGRID_ADMIN_TOKEN"),
                        *environment.log);
    } catch (const std::exception& e) {
        throw StartupError(std::string("cannot set up the first admin: ") + e.what());
    }
    const auto auth_cache = std::make_shared<AuthCache>(environment.auth_cache_ttl);
    router.set_authenticator(Authenticator(store, services.auth, auth_cache));
    // One per process, like the router it serves; its doorbell thread stops at exit.
    DoorbellSettings doorbells;
    doorbells.ca_file = environment.simulators.push_ca_file;
    static OperationSignals signals(environment.log, doorbells);
    auto placement = std::make_shared<PlacementService>(
        services.placement,
        services.placement.get() ? environment.placement.policy.value_or(kDefaultPlacementPolicy)
                                 : "",
        environment.placement_policies, environment.make_placement_policy,
        PortRange{environment.placement.port_min, environment.placement.port_max});
    add_session_routes(
        router, store, services.auth,
        SessionOptions{auth_cache, std::make_shared<LoginThrottle>(environment.login_throttle),
                       std::make_shared<std::counting_semaphore<>>(
                           environment.login_throttle.max_parallel_checks),
                       environment.tls});
    add_user_routes(router, store, services.auth, auth_cache);
    static PendingKeys pending_keys;
    add_simulator_routes(router, store, pending_keys, signals);
    environment.keep_while_serving(std::make_shared<SimulatorLiveness>(
        store, environment.simulators.offline_after, environment.log));
    add_estate_routes(router, store);
    add_template_routes(router, store);
    add_region_routes(router, store, RegionChannel{&services.sync, &signals}, placement);
    add_placement_routes(router, store, placement, environment.placement.plan_work_budget);
    add_operation_routes(router, store, signals, pending_keys,
                         environment.simulators.max_parked_polls);
    add_audit_routes(router, store);
    web_admin::add_web_console(router);
}

}  // namespace vergegrid::control
