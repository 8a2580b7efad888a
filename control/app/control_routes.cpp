#include "control/app/control_routes.hpp"

#include <spdlog/spdlog.h>

#include "config_sources/sources.hpp"
#include "control/access/admin_bootstrap.hpp"
#include "control/api/audit_routes.hpp"
#include "control/api/authenticator.hpp"
#include "control/api/blueprint_routes.hpp"
#include "control/api/cluster_routes.hpp"
#include "control/api/error_mapping.hpp"
#include "control/api/estate_routes.hpp"
#include "control/api/event_routes.hpp"
#include "control/api/login_link_routes.hpp"
#include "control/api/migration_routes.hpp"
#include "control/api/operation_routes.hpp"
#include "control/api/placement_plan_routes.hpp"
#include "control/api/placement_policy_routes.hpp"
#include "control/api/region_routes.hpp"
#include "control/api/rollout_routes.hpp"
#include "control/api/route_permission.hpp"
#include "control/api/session_routes.hpp"
#include "control/api/sim_snapshot_routes.hpp"
#include "control/api/simulator_routes.hpp"
#include "control/api/snapshot_routes.hpp"
#include "control/api/template_routes.hpp"
#include "control/api/user_routes.hpp"
#include "control/app/first_login.hpp"
#include "control/app/startup_error.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/cluster/cluster_relay.hpp"
#include "control/cluster/cluster_view.hpp"
#include "control/cluster/replica_heartbeat.hpp"
#include "control/common/clock.hpp"
#include "control/domain/group_commit_metrics.hpp"
#include "control/events/event_dispatcher.hpp"
#include "control/events/event_housekeeping.hpp"
#include "control/events/event_outbox_writer.hpp"
#include "control/events/outbox_watch.hpp"
#include "control/migrations/migration_job_runner.hpp"
#include "control/migrations/migration_service.hpp"
#include "control/operations/operation_metrics.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/regions/pending_placer.hpp"
#include "control/rollouts/rollout_engine.hpp"
#include "control/rollouts/rollout_service.hpp"
#include "control/simulators/simulator_liveness.hpp"
#include "control/simulators/simulator_metrics.hpp"
#include "control/snapshots/snapshot_job_runner.hpp"
#include "version/version.hpp"
#include "web_admin/server/web_console.hpp"

namespace vergegrid::control {

namespace {

// The event bus (docs/events.md): its routes, the dispatcher and the housekeeping (leader-only),
// and with several control planes the watch that hears the others' events.
void add_events(kernel::http::Router& router, const Store& store,
                const std::shared_ptr<EventSignals>& signals,
                const std::shared_ptr<const Leadership>& leadership, bool clustered,
                const ServiceEnvironment& environment) {
    const auto& settings = environment.events;
    add_event_routes(router, EventFeed(store), signals);
    DispatchSettings dispatch;
    dispatch.retry_for = settings.retry_for;
    dispatch.max_backoff = settings.max_backoff;
    dispatch.delivery_timeout = settings.delivery_timeout;
    const auto dispatcher = std::make_shared<EventDispatcher>(
        store, environment.event_sinks, signals, leadership, dispatch, environment.log);
    const auto subscriptions = std::make_shared<SubscriptionService>(
        store, environment.event_sinks,
        SubscriptionSettings{settings.max_webhooks, settings.delivery_timeout, settings.source},
        [weak = std::weak_ptr<EventDispatcher>(dispatcher)] {
            if (const auto alive = weak.lock()) {
                alive->subscriptions_changed();
            }
        });
    try {
        subscriptions->ensure_configured_subscriptions();
    } catch (const DomainError& e) {
        environment.log->warn("events: {}", e.what());
    }
    add_webhook_routes(router, subscriptions);
    environment.keep_while_serving(dispatcher);
    environment.keep_while_serving(std::make_shared<EventHousekeeping>(
        store, leadership,
        HousekeepingSettings{settings.retention_days, settings.checkpoint_interval},
        environment.log));
    if (clustered) {
        environment.keep_while_serving(
            std::make_shared<OutboxWatch>(store, signals, std::chrono::milliseconds(250)));
    }
}

}  // namespace

void add_control_routes(kernel::http::Router& router, kernel::services::ServiceRegistry& services,
                        const ServiceEnvironment& environment) {
    install_error_mapping(router);
    install_authorization(router);
    // Connected to the pending-region placer below, once the services it needs exist.
    const auto placer_wake = std::make_shared<PendingPlacementWake>();
    const auto event_signals = std::make_shared<EventSignals>();
    const auto group_commit =
        environment.group_commit ? std::make_shared<GroupCommit>(services.storage) : nullptr;
    if (group_commit && environment.metrics) {
        collect_group_commit(*environment.metrics, group_commit);
    }
    const Store store(
        services.storage,
        std::make_shared<const EventConsumers>(EventConsumers{
            std::make_shared<AuditTrail>(),
            std::make_shared<EventOutboxWriter>(environment.events.source, event_signals),
            placer_wake}),
        group_commit,
        environment.metrics ? std::make_shared<const StorageTimings>(*environment.metrics)
                            : nullptr);
    bool admin_created = false;
    try {
        admin_created = bootstrap_admin(
            store, *services.auth.get(), environment.data_dir,
            config_sources::process_environment()("VERGEGRID_ADMIN_TOKEN"), *environment.log);
    } catch (const std::exception& e) {
        throw StartupError(std::string("cannot set up the first admin: ") + e.what());
    }
    // Several control planes on one database (docs/ha.md): with a storage that coordinates
    // them, this one leads the background jobs only when elected, and passes its news on
    // through the relay made at the end, once everything it reaches exists.
    const auto storage = services.storage.get();
    const bool clustered = dynamic_cast<plugin_api::ClusterCoordination*>(storage.get()) != nullptr;
    const auto leadership = std::make_shared<Leadership>(!clustered);
    const auto relay_slot = std::make_shared<std::weak_ptr<ClusterRelay>>();
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
        PortRange{environment.placement.port_min, environment.placement.port_max},
        HardLimits{environment.placement.max_cpu_load, environment.placement.max_memory_load,
                   environment.placement.max_regions});
    const AccessChanged forget_callers = [auth_cache, relay_slot] {
        auth_cache->forget_all();
        if (const auto relay = relay_slot->lock()) {
            relay->access_changed();
        }
    };
    const auto login_throttle = std::make_shared<LoginThrottle>(environment.login_throttle);
    add_session_routes(
        router,
        std::make_shared<SessionService>(
            store, services.auth,
            SessionSettings{login_throttle, std::make_shared<std::counting_semaphore<>>(
                                                environment.login_throttle.max_parallel_checks)},
            forget_callers),
        environment.tls);
    // One-time login links (control/app/first_login.hpp), throttled with the password logins.
    const auto login_links = std::make_shared<const LoginLinkService>(store, login_throttle);
    add_login_link_routes(router, login_links, environment.tls);
    if (admin_created) {
        offer_first_login_link(*login_links, environment);
    }
    add_user_routes(router, std::make_shared<UserService>(store, services.auth, forget_callers),
                    std::make_shared<TokenService>(store, services.auth, forget_callers));
    static PendingKeys pending_keys;
    const auto simulators = std::make_shared<SimulatorService>(
        store, pending_keys,
        [](const std::string& id, const std::string& push_url) { signals.notify(id, push_url); });
    add_simulator_routes(router, simulators);
    if (environment.metrics) {
        collect_simulator_states(*environment.metrics, simulators);
    }
    environment.keep_while_serving(std::make_shared<SimulatorLiveness>(
        simulators, environment.simulators.offline_after, environment.log, leadership));
    add_estate_routes(router, EstateService(store));
    add_template_routes(router, TemplateService(store));
    const auto regions = std::make_shared<const RegionService>(
        store, RegionChannel{&services.sync, &signals}, placement);
    const auto snapshots = std::make_shared<const SnapshotService>(SnapshotDependencies{
        store, regions, &signals, environment.snapshot_store, environment.snapshots});
    add_region_routes(router, *regions, snapshots);
    add_blueprint_routes(
        router, std::make_shared<const BlueprintService>(store, regions, environment.blueprints));
    const auto placer = std::make_shared<PendingPlacer>(store, *regions, environment.log,
                                                        std::chrono::seconds(60), leadership);
    const auto wake_placer = [weak = std::weak_ptr<PendingPlacer>(placer)] {
        if (auto alive = weak.lock()) {
            alive->wake();
        }
    };
    placer_wake->connect([wake_placer, relay_slot] {
        wake_placer();
        if (const auto relay = relay_slot->lock()) {
            relay->room_made();  // the leader places it, should that be another control plane
        }
    });
    leadership->on_gained(wake_placer);
    environment.keep_while_serving(placer);
    add_snapshot_routes(router, snapshots);
    add_sim_snapshot_routes(router, snapshots);
    environment.keep_while_serving(
        std::make_shared<SnapshotJobRunner>(snapshots, environment.log, leadership));
    add_placement_policy_routes(
        router,
        std::make_shared<PolicyChoice>(store, placement, [relay_slot](const std::string& name) {
            if (const auto relay = relay_slot->lock()) {
                relay->policy_chosen(name);
            }
        }));
    const auto placements = std::make_shared<const RegionPlacementService>(
        store, placement, environment.placement.plan_work_budget);
    add_placement_plan_routes(router, *placements);
    const auto migrations = std::make_shared<const MigrationService>(MigrationDependencies{
        store, regions, placement, &signals, environment.migration_strategy,
        environment.migration_strategy_name, environment.migration_step_timeout_s});
    add_migration_routes(router, {migrations, placements, simulators});
    const auto operations = std::make_shared<OperationService>(
        store, signals, pending_keys, environment.simulators.max_parked_polls);
    if (environment.metrics) {
        operations->on_result(count_operation_results(*environment.metrics));
    }
    // A failed snapshot operation fails its snapshot, in the transaction of its result.
    operations->on_result([snapshots](Changes& changes, const plugin_api::Operation& operation) {
        snapshots->on_operation_result(changes, operation);
    });
    // After the snapshots' observer (a move's snapshot step reads the snapshot's end): a move's
    // step ended: its next step, its rollback, or the next move of its batch.
    operations->on_result([migrations](Changes& changes, const plugin_api::Operation& operation) {
        migrations->on_operation_result(changes, operation);
    });
    environment.keep_while_serving(
        std::make_shared<MigrationJobRunner>(migrations, environment.log, leadership));
    // Template rollouts (docs/rollouts.md): a region's upgrade confirmed or failed moves its
    // rollout on, in the transaction of the result; the engine (leader only) does the rest.
    const auto rollouts = std::make_shared<const RolloutService>(store, regions);
    add_rollout_routes(router, rollouts);
    operations->on_result([rollouts](Changes& changes, const plugin_api::Operation& operation) {
        rollouts->on_operation_result(changes, operation);
    });
    const auto rollout_engine =
        std::make_shared<RolloutEngine>(rollouts, environment.log, leadership);
    leadership->on_gained([weak = std::weak_ptr<RolloutEngine>(rollout_engine)] {
        if (auto alive = weak.lock()) {
            alive->wake();
        }
    });
    environment.keep_while_serving(rollout_engine);
    add_operation_routes(router, operations, snapshots);
    add_audit_routes(router, AuditLog(store), AuditChainCheck(store));
    add_events(router, store, event_signals, leadership, clustered, environment);

    if (clustered) {
        const auto relay = std::make_shared<ClusterRelay>(
            storage,
            ClusterHandlers{[](const std::string& simulator_id) { signals.wake(simulator_id); },
                            [auth_cache] { auth_cache->forget_all(); }, wake_placer,
                            [] { signals.wake_all(); },
                            [placement, log = environment.log](const std::string& name) {
                                follow_policy_choice(*placement, name, *log);
                            }},
            environment.log);
        *relay_slot = relay;
        environment.keep_while_serving(relay);
    }
    signals.set_relay([relay_slot](const std::string& simulator_id) {
        if (const auto relay = relay_slot->lock()) {
            relay->operation_queued(simulator_id);
        }
    });
    signals.set_recheck(clustered ? std::chrono::milliseconds(environment.ha.poll_recheck)
                                  : std::chrono::milliseconds(0));
    const ReplicaIdentity identity{new_uuid(), environment.replica_name, environment.replica_url,
                                   kProgramVersion, now_iso8601()};
    environment.keep_while_serving(std::make_shared<ReplicaHeartbeat>(
        store, services.storage, identity, environment.ha.failover, leadership, environment.log));
    add_cluster_routes(
        router, std::make_shared<const ClusterContext>(ClusterContext{
                    store, identity, leadership, clustered ? environment.storage_backend : "single",
                    environment.ha.failover}));
    web_admin::add_web_console(router);
}

}  // namespace vergegrid::control
