// vergegrid-control's settings: the kernel's (listen, data dir, plugin folder, log, HTTP, TLS) and
// the control plane's own sections ([storage], [auth], [sync], [simulators], [placement],
// [snapshots], [migration], [ha]), read and validated in one pass. docs/configuration.md lists
// every key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config_sources/sources.hpp"
#include "control/access/login_throttle.hpp"
#include "control/snapshots/snapshot_settings.hpp"
#include "kernel/config/settings.hpp"

namespace vergegrid::control {

// The placement policy active at start-up when placement.policy is unset (if it is loaded).
inline constexpr const char* kDefaultPlacementPolicy = "basic-rules";

// The migration strategy active at start-up when migration.strategy is unset (if it is loaded).
inline constexpr const char* kDefaultMigrationStrategy = "oar";

// Placement (control/placement): the policy active at start-up and the ports regions get.
struct PlacementSettings {
    std::optional<std::string> policy;  // unset: kDefaultPlacementPolicy if loaded, else none
    int port_min = 9000;                // ports handed out per simulator host, inclusive
    int port_max = 9999;
    // Units of work (a candidate position considered, a map cell probed) one POST
    // /api/v1/placement/plan may spend searching for free footprints before it is refused (422).
    std::uint64_t plan_work_budget = 200'000'000;
    // The engine's hard limits, applied before any policy sees a simulator (docs/configuration.md):
    // a simulator above either load (0..1) takes no new region; max_regions lowers every
    // simulator's capacity (0 = capacity alone; capacity 0 and max_regions 0 = no region limit).
    double max_cpu_load = 0.9;
    double max_memory_load = 0.9;
    int max_regions = 0;
};

// The simulators the control plane serves.
struct SimulatorsSettings {
    // A simulator whose last heartbeat is older than this goes offline (the bridge beats every
    // 30 s: three missed heartbeats).
    std::chrono::seconds offline_after{90};
    // Long polls one simulator may hold parked at once; one bridge needs one, a few more cover
    // reconnects. Beyond it a poll is refused (429): a leaked key cannot fill the parking lot.
    int max_parked_polls = 4;
    // CA certificates (PEM) that an https:// push URL's certificate must chain to; unset: the
    // system's CA store.
    std::optional<std::filesystem::path> push_ca_file;
};

// Several control planes on one database (docs/ha.md).
struct HaSettings {
    // A dead leader's jobs resume on another replica within this long; replicas beat (and try
    // to take the leadership) three times per period.
    std::chrono::seconds failover{10};
    // A parked poll looks in storage again this often, so that a notification lost between
    // control planes costs latency, never an operation. 0: never (one control plane alone).
    std::chrono::seconds poll_recheck{5};
    // How this replica is named and reached in GET /api/v1/cluster; empty: <hostname>:<port> and
    // http(s)://<hostname>:<port>.
    std::string name;
    std::string advertise_url;
};

// The event bus (docs/events.md).
struct EventsSettings {
    // The event_sink plugins to load. The default one may be missing (a trimmed plugin folder);
    // a configured one must load.
    std::vector<std::string> sinks{"webhook"};
    bool sinks_configured = false;
    std::string source = "/vergegrid";      // every CloudEvent's source
    std::chrono::seconds retry_for{86400};  // an event still failing this old is a dead letter
    std::chrono::seconds max_backoff{60};
    std::chrono::milliseconds delivery_timeout{10000};
    int retention_days = 7;
    int max_webhooks = 100;
    std::chrono::seconds checkpoint_interval{3600};  // 0: no audit checkpoints
};

// Blueprints (docs/blueprints.md): the blueprint plugins to load. The defaults may be missing (a
// trimmed plugin folder); a configured one must load.
struct BlueprintsSettings {
    std::vector<std::string> load{"grid", "island-chain"};
    bool load_configured = false;
};

struct ControlSettings : kernel::config::Settings {
    SimulatorsSettings simulators;
    BlueprintsSettings blueprints;
    HaSettings ha;
    EventsSettings events;
    std::string storage_backend = "sqlite";
    // [storage] group_commit: concurrent writes share one transaction and COMMIT
    // (docs/group-commit.md); off: one transaction per request.
    bool storage_group_commit = true;
    std::string auth_provider = "builtin";
    // How long an operator's authenticated credential is remembered (0: checked in storage on
    // every request). Revocations through this control plane apply at once regardless.
    std::chrono::milliseconds auth_cache_ttl{1'000};
    LoginThrottleSettings login_throttle;
    std::string sync_scheduler = "hybrid";
    PlacementSettings placement;
    // [snapshots] (docs/snapshots.md); `store_configured`: snapshots.store was set, so a missing
    // plugin is a start-up error rather than a control plane without snapshots.
    SnapshotSettings snapshots;
    bool snapshot_store_configured = false;
    // [migration] strategy: the migration plugin moves are planned by. Unset:
    // kDefaultMigrationStrategy if loaded, else none (moves with content answer 503); set: it
    // must load.
    std::optional<std::string> migration_strategy;
    // [migration] step_timeout_s: a move's step whose operation has not ended after this long
    // fails the move (rolled back); 0 = never.
    int migration_step_timeout_s = 1800;
};

// Merges defaults, file, environment and flags. Throws config_sources::ConfigError listing every
// unknown key and bad value, the kernel's and the control plane's, by name.
ControlSettings load_control_settings(const kernel::config::CommandLine& flags,
                                      const config_sources::EnvLookup& env);

// Every VERGEGRID_* variable vergegrid-control reads as its own setting (not a plugin's).
std::vector<std::string> control_env_names();

}  // namespace vergegrid::control
