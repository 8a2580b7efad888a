#include "kernel/config/settings.hpp"

#include <algorithm>
#include <vector>

#include "config_sources/config_error.hpp"
#include "kernel/config/key_spec.hpp"

namespace vergegrid::kernel::config {

namespace {

using config_sources::ConfigError;
using config_sources::ConfigIssue;
using config_sources::env_name_for;
using config_sources::EnvLookup;
using config_sources::Value;
using config_sources::ValueMap;
using Spec = KeySpec<Settings>;

std::string apply_listen(const std::string& text, Settings& settings) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return "'" + text + "' is not HOST:PORT (for example 127.0.0.1:9800)";
    }
    auto port = parse_int<std::uint16_t>(text.substr(colon + 1));
    if (!port) {
        return "'" + text + "' has no valid port (0-65535; 0 picks a free one)";
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);  // [::1]:9800
    }
    settings.listen_host = host;
    settings.listen_port = *port;
    return "";
}

const std::vector<Spec>& kernel_keys() {
    using ms = std::chrono::milliseconds;
    using S = Settings;
    static const std::vector<Spec> keys = {
        {"listen", apply_listen},
        {"data_dir", non_empty_path<S>([](S& s, const auto& p) { s.data_dir = p; })},
        {"plugin_dir", non_empty_path<S>([](S& s, const auto& p) { s.plugin_dir = p; })},
        {"log.level", one_of<S>({"trace", "debug", "info", "warn", "error"},
                                [](S& s, const std::string& v) { s.log.level = v; })},
        {"log.format",
         one_of<S>({"text", "json"}, [](S& s, const std::string& v) { s.log.format = v; })},
        {"http.max_body_bytes",
         integer_in<S, std::size_t>(1, std::size_t{1} << 30,
                                    [](S& s, std::size_t v) { s.http.max_body_bytes = v; })},
        {"http.max_header_bytes",
         integer_in<S, std::size_t>(1024, 1024 * 1024,
                                    [](S& s, std::size_t v) { s.http.max_header_bytes = v; })},
        {"http.request_timeout_ms",
         integer_in<S, long>(100, 3'600'000, [](S& s, long v) { s.http.request_timeout = ms(v); })},
        {"http.head_timeout_ms",
         integer_in<S, long>(100, 3'600'000, [](S& s, long v) { s.http.head_timeout = ms(v); })},
        {"http.max_idle_connections",
         integer_in<S, std::size_t>(1, 1'000'000,
                                    [](S& s, std::size_t v) { s.http.max_idle_connections = v; })},
        {"http.max_connections",
         integer_in<S, int>(1, 100'000, [](S& s, int v) { s.http.max_connections = v; })},
        {"http.max_queued",
         integer_in<S, int>(0, 1'000'000, [](S& s, int v) { s.http.max_queued = v; })},
        {"http.max_parked", integer_in<S, std::size_t>(
                                1, 1'000'000, [](S& s, std::size_t v) { s.http.max_parked = v; })},
        {"http.drain_timeout_ms",
         integer_in<S, long>(0, 3'600'000, [](S& s, long v) { s.http.drain_timeout = ms(v); })},
        {"tls.cert_file", readable_file<S>([](S& s, const auto& p) { s.tls.cert_file = p; })},
        {"tls.key_file", readable_file<S>([](S& s, const auto& p) { s.tls.key_file = p; })},
        {"tls.ca_file", readable_file<S>([](S& s, const auto& p) { s.tls.ca_file = p; })},
    };
    return keys;
}

const Spec* find_kernel_key(const std::string& key) {
    for (const auto& spec : kernel_keys()) {
        if (spec.key == key) {
            return &spec;
        }
    }
    return nullptr;
}

bool is_layer_key(const LayerKeys& layer, const std::string& key) {
    return std::find(layer.keys.begin(), layer.keys.end(), key) != layer.keys.end();
}

// Top-level keys and the sections the kernel or the layer own: a key there that no spec names is
// unknown. Three-part keys ("placement.basic-rules.x") are a plugin's.
bool in_owned_section(const std::string& key, const LayerKeys& layer) {
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
        return true;
    }
    const std::string section = key.substr(0, dot);
    const bool has_subsection = key.find('.', dot + 1) != std::string::npos;
    const bool layer_section =
        std::find(layer.sections.begin(), layer.sections.end(), section) != layer.sections.end();
    return !has_subsection &&
           (section == "log" || section == "http" || section == "tls" || layer_section);
}

// tls.cert_file and tls.key_file come together; tls.ca_file only with them.
void check_tls_pairing(const ValueMap& values, std::vector<ConfigIssue>& issues) {
    const bool cert = values.count("tls.cert_file") != 0;
    const bool key = values.count("tls.key_file") != 0;
    if (cert && !key) {
        issues.push_back({"tls.key_file", "must be set when tls.cert_file is (from " +
                                              values.at("tls.cert_file").origin + ")"});
    }
    if (key && !cert) {
        issues.push_back({"tls.cert_file", "must be set when tls.key_file is (from " +
                                               values.at("tls.key_file").origin + ")"});
    }
    if (values.count("tls.ca_file") != 0 && !cert && !key) {
        issues.push_back({"tls.ca_file", "is only used with tls.cert_file and tls.key_file (from " +
                                             values.at("tls.ca_file").origin + ")"});
    }
}

// File, then environment, then flags: one map, later sources winning.
ValueMap gather_values(const CommandLine& flags, const EnvLookup& env, const LayerKeys& layer) {
    ValueMap values;
    if (flags.config_file) {
        values = config_sources::read_ini_file(*flags.config_file);
    }
    std::vector<std::string> keys = layer.keys;
    for (const auto& spec : kernel_keys()) {
        keys.push_back(spec.key);
    }
    for (const auto& key : keys) {
        const std::string name = env_name_for(key);
        if (auto text = env(name)) {
            values[key] = Value{*text, "env " + name};
        }
    }
    if (flags.listen) {
        values["listen"] = Value{*flags.listen, "flag --listen"};
    }
    if (flags.data_dir) {
        values["data_dir"] = Value{flags.data_dir->string(), "flag --data-dir"};
    }
    if (flags.plugin_dir) {
        values["plugin_dir"] = Value{flags.plugin_dir->string(), "flag --plugin-dir"};
    }
    return values;
}

}  // namespace

Settings load_settings(const CommandLine& flags, const EnvLookup& env, const LayerKeys& layer) {
    const ValueMap values = gather_values(flags, env, layer);
    Settings settings;
    std::vector<ConfigIssue> issues;
    for (const auto& [key, value] : values) {
        std::string error;
        if (const Spec* spec = find_kernel_key(key)) {
            error = spec->apply(value.text, settings);
        } else if (is_layer_key(layer, key)) {
            error = layer.apply(key, value.text);
        } else if (in_owned_section(key, layer)) {
            issues.push_back({key, "unknown key (from " + value.origin + ")"});
        } else {
            settings.plugin_values[key] = value;
        }
        if (!error.empty()) {
            issues.push_back({key, error + " (from " + value.origin + ")"});
        }
    }
    check_tls_pairing(values, issues);
    if (layer.check) {
        layer.check(issues);
    }
    if (!issues.empty()) {
        throw ConfigError(std::move(issues));
    }
    return settings;
}

std::vector<std::string> kernel_env_names() {
    std::vector<std::string> names;
    for (const auto& spec : kernel_keys()) {
        names.push_back(env_name_for(spec.key));
    }
    return names;
}

}  // namespace vergegrid::kernel::config
