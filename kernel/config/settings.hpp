// The control plane's validated settings. docs/configuration.md lists every key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "kernel/config/sources.hpp"

namespace vergegrid::kernel::config {

struct LogSettings {
    std::string level = "info";   // trace, debug, info, warn, error
    std::string format = "text";  // text or json (one JSON object a line)
};

struct HttpSettings {
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds request_timeout{30'000};
    std::chrono::milliseconds head_timeout{10'000};  // a whole request head, however slow
    std::size_t max_idle_connections = 10'000;       // waiting for a head without a thread
    int max_connections = 64;
    int max_queued = 256;
    std::size_t max_parked = 20'000;  // long polls waiting without a thread
    std::chrono::milliseconds drain_timeout{10'000};
};

// HTTPS for the listen address. Either both files are set (the server speaks TLS only) or neither
// (plain HTTP). load_settings() checks that the files exist; loading them is the HTTP server's.
struct TlsSettings {
    std::optional<std::filesystem::path> cert_file;  // PEM certificate, intermediates may follow
    std::optional<std::filesystem::path> key_file;   // PEM private key, not encrypted
    std::optional<std::filesystem::path> ca_file;    // PEM intermediates sent after the certificate
    bool enabled() const { return cert_file.has_value(); }
};

// Placement (control/placement): the policy active at start-up and the ports regions get.
struct PlacementSettings {
    std::optional<std::string> policy;  // unset: basic-rules if it is loaded, else no placement
    int port_min = 9000;                // ports handed out per simulator host, inclusive
    int port_max = 9999;
    // Units of work (a candidate position considered, a map cell probed) one POST
    // /api/v1/placement/plan may spend searching for free footprints before it is refused (422).
    std::uint64_t plan_work_budget = 200'000'000;
    // The engine's hard rules (control/placement/hard_rules.hpp), whatever the policy: a
    // simulator above either load (0..1) takes no new region; max_regions lowers every
    // simulator's capacity (0 = capacity alone; a simulator that declared none and max_regions 0:
    // no region limit).
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

// Failed logins (control/access/login_throttle.hpp): how many a user name and a client address may
// have before they are locked out, the first lockout (doubling with each further failure), and how
// long a key remembers its failures.
struct LoginThrottleSettings {
    int failures_per_name = 5;
    int failures_per_address = 20;
    std::chrono::seconds window{15 * 60};
    std::chrono::seconds lockout{60};
    int max_parallel_checks = 4;  // password checks (Argon2 runs) at once; more logins wait
};

struct Settings {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 9800;
    std::filesystem::path data_dir = "./data";
    std::optional<std::filesystem::path>
        plugin_dir;  // unset: <executable dir>/../lib/vergegrid/plugins
    LogSettings log;
    HttpSettings http;
    TlsSettings tls;
    SimulatorsSettings simulators;
    std::string storage_backend = "sqlite";
    std::string auth_provider = "builtin";
    // How long an operator's authenticated credential is remembered (0: checked in storage on
    // every request). Revocations through this control plane apply at once regardless.
    std::chrono::milliseconds auth_cache_ttl{1'000};
    LoginThrottleSettings login_throttle;
    std::string sync_scheduler = "hybrid";
    PlacementSettings placement;
    // Sections the kernel does not own ("storage.sqlite", "placement.basic-rules"): their keys are
    // checked against the plugin's declared keys once plugins are discovered.
    ValueMap plugin_values;
};

// What the command line can say; each flag, when given, beats the file and the environment.
struct CommandLine {
    std::optional<std::filesystem::path> config_file;
    std::optional<std::string> listen;
    std::optional<std::filesystem::path> data_dir;
    std::optional<std::filesystem::path> plugin_dir;
};

// Merges defaults, file, environment and flags, and validates every kernel key. Throws
// ConfigError listing every unknown key and bad value by name.
Settings load_settings(const CommandLine& flags, const EnvLookup& env);

}  // namespace vergegrid::kernel::config
