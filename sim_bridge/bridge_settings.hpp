// vergegrid-bridge's validated settings: the conventions of libs/config_sources, the same as the
// control plane's (INI file, then environment variables VERGEGRID_<SECTION>_<KEY>, then flags;
// every key checked by name). docs/bridge.md lists every key.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config_sources/sources.hpp"
#include "logging/logging.hpp"
#include "sim_channel_client/channel_endpoint.hpp"

namespace vergegrid::bridge {

struct SimulatorSettings {
    std::string remoteadmin_url = "http://127.0.0.1:9000";
    std::string remoteadmin_password;
    std::filesystem::path regions_dir;  // the simulator's Regions/ folder
    std::string command;                // run with /bin/sh -c; empty = not supervised
    std::filesystem::path working_dir;
    // OpenSim's configuration folder (OpenSimDefaults.ini, OpenSim.ini, config/*.ini and their
    // Include-* files): what --check reads and a stalled simulator waits to see changed. Empty:
    // working_dir.
    std::filesystem::path config_dir;
    std::vector<std::pair<std::string, std::string>> environment;
    std::chrono::milliseconds stop_timeout{30'000};    // admin_shutdown, then TERM, then KILL
    std::chrono::milliseconds start_timeout{120'000};  // until RemoteAdmin answers
    std::chrono::milliseconds call_timeout{10'000};    // a quick RemoteAdmin call (query)
    // A RemoteAdmin answer larger than this (headers included) fails its call unread.
    std::size_t max_response_bytes = 8 << 20;
    // After a start, how long regions from the stubs may take to load before the reconciler
    // treats a missing one as missing.
    std::chrono::milliseconds region_load_timeout{30'000};
    std::string default_estate = "My Estate";
    std::string listen_ip = "0.0.0.0";
    std::string external_host = "SYSTEMIP";
    bool stop_on_exit = false;
};

// [snapshots]: the snapshot and restore operations (docs/bridge.md).
struct SnapshotSettings {
    // From admin_save_oar until the archive is whole: big regions take minutes.
    std::chrono::milliseconds save_timeout{std::chrono::minutes(30)};
    // admin_load_oar is synchronous: the call's own limit.
    std::chrono::milliseconds load_timeout{std::chrono::minutes(30)};
    // How often the archive being written is looked at (and the simulator's life checked).
    std::chrono::milliseconds poll_interval{500};
    // Progress reports at most this often.
    std::chrono::milliseconds progress_interval{1000};
    // Upload chunk: at most the control plane's snapshots.max_chunk_bytes.
    std::size_t chunk_bytes = 8 << 20;
    // Broken connections survived per upload or download.
    int transfer_retries = 5;
};

struct BridgeSettings {
    // [control]
    // control.url: one URL or a comma-separated list (replicas of the control plane), in order;
    // sim_channel::FailoverClient moves along it.
    std::vector<sim_channel::ChannelEndpoint> control_endpoints;
    std::optional<std::filesystem::path> ca_file;
    bool allow_insecure_http = false;
    std::string registration_token;
    std::string hostname;
    std::vector<std::string> labels;
    int capacity = 0;
    // top level
    std::filesystem::path state_dir = "./bridge-state";
    std::optional<std::filesystem::path> plugin_dir;
    std::string injection = "hybrid";
    // [push]
    std::string push_host = "127.0.0.1";
    std::uint16_t push_port = 9801;
    std::string push_url;  // advertised to the control plane; default from the listen address
    // [channel]
    int pull_wait_s = 25;
    std::chrono::milliseconds heartbeat_interval{15'000};
    std::chrono::milliseconds reconcile_interval{30'000};
    std::chrono::milliseconds retry_interval{2'000};
    // The bridge rotates its own API key this long after identity.json was last written
    // (channel.key_rotation_interval_h, fractional hours allowed); 0 = never.
    std::chrono::milliseconds key_rotation_interval{std::chrono::hours(720)};
    logging::LogSettings log;
    SimulatorSettings simulator;
    SnapshotSettings snapshots;
    // [injection.<name>] sections, checked against the plugins' declared keys later.
    config_sources::ValueMap plugin_values;
};

struct BridgeCommandLine {
    std::optional<std::filesystem::path> config_file;
    std::optional<std::filesystem::path> state_dir;
    std::optional<std::filesystem::path> plugin_dir;
    // --list-plugins: only the plugin folder matters, so the keys a running bridge needs
    // (control.url, ...) are not required.
    bool list_plugins = false;
};

// Throws config_sources::ConfigError listing every unknown key and bad value by name.
BridgeSettings load_bridge_settings(const BridgeCommandLine& flags,
                                    const config_sources::EnvLookup& env);

// Every VERGEGRID_* variable vergegrid-bridge reads as its own setting (not a plugin's).
std::vector<std::string> bridge_env_names();

}  // namespace vergegrid::bridge
