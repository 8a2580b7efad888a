#include "sim_bridge/bridge_settings.hpp"

#include <unistd.h>

#include <charconv>
#include <functional>
#include <sstream>

#include "config_sources/config_error.hpp"
#include "sim_channel_client/control_endpoints.hpp"

namespace vergegrid::bridge {

namespace {

using config_sources::ConfigError;
using config_sources::ConfigIssue;
using config_sources::Value;
using config_sources::ValueMap;

// Applies one key's text; returns an error message or "" when the value is good.
using Apply = std::function<std::string(const std::string& text, BridgeSettings& s)>;

std::optional<long> parse_long(const std::string& text) {
    long value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

Apply integer(long low, long high, std::function<void(BridgeSettings&, long)> store) {
    return [=](const std::string& text, BridgeSettings& s) -> std::string {
        auto value = parse_long(text);
        if (!value || *value < low || *value > high) {
            return "'" + text + "' is not an integer between " + std::to_string(low) + " and " +
                   std::to_string(high);
        }
        store(s, *value);
        return "";
    };
}

// Hours, fractions allowed ("0.5", "720"): 0, or between `low` and `high`.
Apply hours(double low, double high, std::chrono::milliseconds BridgeSettings::*field) {
    return [=](const std::string& text, BridgeSettings& s) -> std::string {
        double value = -1;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() ||
            !(value == 0 || (value >= low && value <= high))) {
            return "'" + text + "' is not 0 or a number of hours between " +
                   std::to_string(low).substr(0, 5) + " and " + std::to_string(long(high));
        }
        s.*field = std::chrono::milliseconds(static_cast<long long>(value * 3'600'000.0));
        return "";
    };
}

Apply millis(long low, long high, std::chrono::milliseconds BridgeSettings::*field) {
    return integer(low, high,
                   [field](BridgeSettings& s, long v) { s.*field = std::chrono::milliseconds(v); });
}

Apply sim_millis(long low, long high, std::chrono::milliseconds SimulatorSettings::*field) {
    return integer(low, high, [field](BridgeSettings& s, long v) {
        s.simulator.*field = std::chrono::milliseconds(v);
    });
}

Apply text(std::function<void(BridgeSettings&, const std::string&)> store, bool allow_empty) {
    return [=](const std::string& value, BridgeSettings& s) -> std::string {
        if (!allow_empty && value.empty()) {
            return "must not be empty";
        }
        if (value.find_first_of("\r\n") != std::string::npos) {
            return "must be a single line";
        }
        store(s, value);
        return "";
    };
}

Apply boolean(std::function<void(BridgeSettings&, bool)> store) {
    return [=](const std::string& value, BridgeSettings& s) -> std::string {
        if (value != "true" && value != "false") {
            return "'" + value + "' is not true or false";
        }
        store(s, value == "true");
        return "";
    };
}

std::string apply_push_listen(const std::string& value, BridgeSettings& s) {
    const auto colon = value.rfind(':');
    auto port = colon == std::string::npos ? std::nullopt : parse_long(value.substr(colon + 1));
    if (colon == std::string::npos || colon == 0 || !port || *port < 1 || *port > 65535) {
        return "'" + value +
               "' is not HOST:PORT with a port 1-65535 (the control plane keeps "
               "the push URL from registration, so the port must not change)";
    }
    s.push_host = value.substr(0, colon);
    s.push_port = static_cast<std::uint16_t>(*port);
    return "";
}

std::string apply_environment(const std::string& value, BridgeSettings& s) {
    std::istringstream words(value);
    std::string word;
    s.simulator.environment.clear();
    while (words >> word) {
        const auto equals = word.find('=');
        if (equals == std::string::npos || equals == 0) {
            return "'" + word + "' is not NAME=VALUE (space-separated pairs)";
        }
        s.simulator.environment.emplace_back(word.substr(0, equals), word.substr(equals + 1));
    }
    return "";
}

std::string apply_labels(const std::string& value, BridgeSettings& s) {
    s.labels.clear();
    std::istringstream items(value);
    std::string item;
    while (std::getline(items, item, ',')) {
        const auto begin = item.find_first_not_of(' ');
        const auto end = item.find_last_not_of(' ');
        if (begin != std::string::npos) {
            s.labels.push_back(item.substr(begin, end - begin + 1));
        }
    }
    return "";
}

// The same list syntax in the file and in VERGEGRID_CONTROL_URL: "URL[,URL...]".
std::string apply_control_url(const std::string& value, BridgeSettings& s) {
    try {
        s.control_endpoints = sim_channel::parse_endpoint_list(value);
    } catch (const sim_channel::ChannelConfigError& e) {
        return e.what();
    }
    return "";
}

const std::vector<std::pair<std::string, Apply>>& keys() {
    using S = BridgeSettings;
    static const std::vector<std::pair<std::string, Apply>> table = {
        {"state_dir", text([](S& s, const std::string& v) { s.state_dir = v; }, false)},
        {"plugin_dir", text([](S& s, const std::string& v) { s.plugin_dir = v; }, false)},
        {"injection", text([](S& s, const std::string& v) { s.injection = v; }, false)},
        {"log.level",
         [](const std::string& v, S& s) -> std::string {
             for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
                 if (v == level) {
                     s.log.level = v;
                     return "";
                 }
             }
             return "'" + v + "' is not one of trace, debug, info, warn, error";
         }},
        {"log.format",
         [](const std::string& v, S& s) -> std::string {
             if (v != "text" && v != "json") {
                 return "'" + v + "' is not one of text, json";
             }
             s.log.format = v;
             return "";
         }},
        {"control.url", apply_control_url},
        {"control.ca_file", text([](S& s, const std::string& v) { s.ca_file = v; }, false)},
        {"control.allow_insecure_http", boolean([](S& s, bool v) { s.allow_insecure_http = v; })},
        {"control.registration_token",
         text([](S& s, const std::string& v) { s.registration_token = v; }, true)},
        {"control.hostname", text([](S& s, const std::string& v) { s.hostname = v; }, false)},
        {"control.labels", apply_labels},
        {"control.capacity", integer(0, 100000, [](S& s, long v) { s.capacity = int(v); })},
        {"push.listen", apply_push_listen},
        {"push.url", text([](S& s, const std::string& v) { s.push_url = v; }, false)},
        {"channel.pull_wait_s", integer(0, 60, [](S& s, long v) { s.pull_wait_s = int(v); })},
        {"channel.heartbeat_interval_ms", millis(100, 3'600'000, &S::heartbeat_interval)},
        {"channel.reconcile_interval_ms", millis(100, 86'400'000, &S::reconcile_interval)},
        {"channel.retry_interval_ms", millis(10, 600'000, &S::retry_interval)},
        {"channel.key_rotation_interval_h", hours(0.001, 87'600, &S::key_rotation_interval)},
        {"simulator.remoteadmin_url",
         text([](S& s, const std::string& v) { s.simulator.remoteadmin_url = v; }, false)},
        {"simulator.remoteadmin_password",
         text([](S& s, const std::string& v) { s.simulator.remoteadmin_password = v; }, false)},
        {"simulator.regions_dir",
         text([](S& s, const std::string& v) { s.simulator.regions_dir = v; }, false)},
        {"simulator.command",
         text([](S& s, const std::string& v) { s.simulator.command = v; }, true)},
        {"simulator.working_dir",
         text([](S& s, const std::string& v) { s.simulator.working_dir = v; }, false)},
        {"simulator.config_dir",
         text([](S& s, const std::string& v) { s.simulator.config_dir = v; }, false)},
        {"simulator.environment", apply_environment},
        {"simulator.stop_timeout_ms", sim_millis(100, 3'600'000, &SimulatorSettings::stop_timeout)},
        {"simulator.start_timeout_ms",
         sim_millis(100, 3'600'000, &SimulatorSettings::start_timeout)},
        {"simulator.call_timeout_ms", sim_millis(10, 600'000, &SimulatorSettings::call_timeout)},
        {"simulator.max_response_bytes",
         integer(4096, 1L << 30,
                 [](S& s, long v) { s.simulator.max_response_bytes = std::size_t(v); })},
        {"simulator.region_load_timeout_ms",
         sim_millis(0, 3'600'000, &SimulatorSettings::region_load_timeout)},
        {"simulator.default_estate",
         text([](S& s, const std::string& v) { s.simulator.default_estate = v; }, false)},
        {"simulator.listen_ip",
         text([](S& s, const std::string& v) { s.simulator.listen_ip = v; }, false)},
        {"simulator.external_host",
         text([](S& s, const std::string& v) { s.simulator.external_host = v; }, false)},
        {"simulator.stop_on_exit", boolean([](S& s, bool v) { s.simulator.stop_on_exit = v; })},
        {"snapshots.save_timeout_s",
         integer(1, 86'400,
                 [](S& s, long v) { s.snapshots.save_timeout = std::chrono::seconds(v); })},
        {"snapshots.load_timeout_s",
         integer(1, 86'400,
                 [](S& s, long v) { s.snapshots.load_timeout = std::chrono::seconds(v); })},
        {"snapshots.poll_interval_ms",
         integer(10, 60'000,
                 [](S& s, long v) { s.snapshots.poll_interval = std::chrono::milliseconds(v); })},
        {"snapshots.chunk_bytes",
         integer(65'536, 1L << 30, [](S& s, long v) { s.snapshots.chunk_bytes = std::size_t(v); })},
        {"snapshots.transfer_retries",
         integer(0, 1000, [](S& s, long v) { s.snapshots.transfer_retries = int(v); })},
    };
    return table;
}

const Apply* find_key(const std::string& key) {
    for (const auto& [name, apply] : keys()) {
        if (name == key) {
            return &apply;
        }
    }
    return nullptr;
}

bool is_plugin_key(const std::string& key) {
    // [injection.<name>] key: two dots, the kind the bridge loads.
    return key.rfind("injection.", 0) == 0 && std::count(key.begin(), key.end(), '.') == 2;
}

}  // namespace

BridgeSettings load_bridge_settings(const BridgeCommandLine& flags,
                                    const config_sources::EnvLookup& env) {
    ValueMap values;
    if (flags.config_file) {
        values = config_sources::read_ini_file(*flags.config_file);
    }
    for (const auto& [key, apply] : keys()) {
        const std::string name = config_sources::env_name_for(key);
        if (auto value = env(name)) {
            values[key] = Value{*value, "env " + name};
        }
    }
    if (flags.state_dir) {
        values["state_dir"] = Value{flags.state_dir->string(), "flag --state-dir"};
    }
    if (flags.plugin_dir) {
        values["plugin_dir"] = Value{flags.plugin_dir->string(), "flag --plugin-dir"};
    }

    BridgeSettings settings;
    std::vector<ConfigIssue> issues;
    for (const auto& [key, value] : values) {
        if (const Apply* apply = find_key(key)) {
            if (auto error = (*apply)(value.text, settings); !error.empty()) {
                issues.push_back({key, error + " (from " + value.origin + ")"});
            }
        } else if (is_plugin_key(key)) {
            settings.plugin_values[key] = value;
        } else {
            issues.push_back({key, "unknown key (from " + value.origin + ")"});
        }
    }
    for (const char* required :
         {"control.url", "simulator.remoteadmin_password", "simulator.regions_dir"}) {
        if (values.count(required) == 0 && !flags.list_plugins) {
            issues.push_back({required, "is required"});
        }
    }
    if (!issues.empty()) {
        throw ConfigError(std::move(issues));
    }
    if (settings.hostname.empty()) {
        char name[256] = {};
        ::gethostname(name, sizeof(name) - 1);
        settings.hostname = name;
    }
    if (settings.push_url.empty()) {
        const bool wildcard = settings.push_host == "0.0.0.0" || settings.push_host == "::";
        settings.push_url = "http://" + (wildcard ? settings.hostname : settings.push_host) + ":" +
                            std::to_string(settings.push_port) + "/doorbell";
    }
    return settings;
}

std::vector<std::string> bridge_env_names() {
    std::vector<std::string> names;
    for (const auto& [key, apply] : keys()) {
        names.push_back(config_sources::env_name_for(key));
    }
    return names;
}

}  // namespace vergegrid::bridge
