// The kernel's validated settings (listen address, data dir, plugin folder, log, HTTP, TLS), and
// the loading of a program's whole configuration: a layer above the kernel (control/app) adds its
// own keys. docs/configuration.md lists every key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config_sources/config_error.hpp"
#include "config_sources/sources.hpp"
#include "logging/logging.hpp"

namespace vergegrid::kernel::config {

struct HttpSettings {
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds request_timeout{30'000};
    std::chrono::milliseconds head_timeout{10'000};  // a whole request head, however slow
    std::size_t max_idle_connections = 10'000;       // waiting for a head without a thread
    int max_connections = 64;
    int max_queued = 256;
    std::size_t max_parked = 60'000;  // long polls waiting without a thread
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

struct Settings {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 9800;
    std::filesystem::path data_dir = "./data";
    std::optional<std::filesystem::path>
        plugin_dir;  // unset: <executable dir>/../lib/vergegrid/plugins
    logging::LogSettings log;
    HttpSettings http;
    TlsSettings tls;
    // Sections neither the kernel nor the layer above own ("storage.sqlite",
    // "placement.basic-rules"): their keys are checked against the plugins' declared keys once
    // plugins are discovered.
    config_sources::ValueMap plugin_values;
};

// The keys a layer above the kernel owns (the control plane's [placement], [simulators], ...),
// validated in the same pass as the kernel's so that one error lists every bad key.
struct LayerKeys {
    std::vector<std::string> keys;      // also read from VERGEGRID_<SECTION>_<KEY>
    std::vector<std::string> sections;  // any other <section>.<key> there is unknown
    // Applies one of `keys`; returns an error message or "" when the value is good.
    std::function<std::string(const std::string& key, const std::string& text)> apply;
    // Rules across keys, run once every key is applied (port_min <= port_max).
    std::function<void(std::vector<config_sources::ConfigIssue>& issues)> check;
};

// What the command line can say; each flag, when given, beats the file and the environment.
struct CommandLine {
    std::optional<std::filesystem::path> config_file;
    std::optional<std::string> listen;
    std::optional<std::filesystem::path> data_dir;
    std::optional<std::filesystem::path> plugin_dir;
};

// Merges defaults, file, environment and flags, and validates every kernel key and every key of
// `layer`. Throws config_sources::ConfigError listing every unknown key and bad value by name.
Settings load_settings(const CommandLine& flags, const config_sources::EnvLookup& env,
                       const LayerKeys& layer = {});

// VERGEGRID_LISTEN, VERGEGRID_LOG_FORMAT, ...: the variables the kernel reads itself.
std::vector<std::string> kernel_env_names();

}  // namespace vergegrid::kernel::config
