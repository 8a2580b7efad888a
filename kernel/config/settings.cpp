#include "kernel/config/settings.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <vector>

#include "kernel/config/config_error.hpp"

namespace vergegrid::kernel::config {

namespace {

// Applies one key's text to Settings; returns an error message or "" when the value is good.
using Apply = std::function<std::string(const std::string& text, Settings& settings)>;

struct KeySpec {
    std::string key;
    Apply apply;
};

template <typename Int>
std::optional<Int> parse_int(const std::string& text) {
    Int value{};
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

template <typename Int>
Apply integer_in(Int low, Int high, std::function<void(Settings&, Int)> store) {
    return [=](const std::string& text, Settings& settings) -> std::string {
        auto value = parse_int<Int>(text);
        if (!value || *value < low || *value > high) {
            return "'" + text + "' is not an integer between " + std::to_string(low) + " and " +
                   std::to_string(high);
        }
        store(settings, *value);
        return "";
    };
}

// A share from 0 to 1 (a load threshold).
Apply share(std::function<void(Settings&, double)> store) {
    return [=](const std::string& text, Settings& settings) -> std::string {
        double value = 0.0;
        const auto* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc{} || ptr != end || !(value >= 0.0) || value > 1.0) {
            return "'" + text + "' is not a number from 0 to 1";
        }
        store(settings, value);
        return "";
    };
}

Apply one_of(std::vector<std::string> choices,
             std::function<void(Settings&, const std::string&)> store) {
    return [=](const std::string& text, Settings& settings) -> std::string {
        for (const auto& choice : choices) {
            if (text == choice) {
                store(settings, text);
                return "";
            }
        }
        std::string list;
        for (const auto& choice : choices) {
            list += (list.empty() ? "" : ", ") + choice;
        }
        return "'" + text + "' is not one of " + list;
    };
}

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

Apply non_empty_path(std::function<void(Settings&, const std::filesystem::path&)> store) {
    return [=](const std::string& text, Settings& settings) -> std::string {
        if (text.empty()) {
            return "must not be empty";
        }
        store(settings, text);
        return "";
    };
}

// A file the process must be able to read at start-up (a certificate, a key).
Apply readable_file(std::function<void(Settings&, const std::filesystem::path&)> store) {
    return [=](const std::string& text, Settings& settings) -> std::string {
        if (text.empty()) {
            return "must not be empty";
        }
        const std::filesystem::path path(text);
        std::error_code error;
        const auto status = std::filesystem::status(path, error);
        if (!std::filesystem::exists(status)) {
            return "'" + text + "' does not exist";
        }
        if (std::filesystem::is_directory(status)) {
            return "'" + text + "' is a directory, not a file";
        }
        if (!std::ifstream(path).is_open()) {
            return "'" + text + "' cannot be read";
        }
        store(settings, path);
        return "";
    };
}

Apply plugin_name(std::function<void(Settings&, const std::string&)> store) {
    return [=](const std::string& text, Settings& settings) -> std::string {
        const bool valid =
            !text.empty() &&
            text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
        if (!valid) {
            return "'" + text + "' is not a plugin name (lower-case letters, digits and '-')";
        }
        store(settings, text);
        return "";
    };
}

const std::vector<KeySpec>& kernel_keys() {
    using ms = std::chrono::milliseconds;
    static const std::vector<KeySpec> keys = {
        {"listen", apply_listen},
        {"data_dir", non_empty_path([](Settings& s, const auto& p) { s.data_dir = p; })},
        {"plugin_dir", non_empty_path([](Settings& s, const auto& p) { s.plugin_dir = p; })},
        {"log.level", one_of({"trace", "debug", "info", "warn", "error"},
                             [](Settings& s, const std::string& v) { s.log.level = v; })},
        {"log.format",
         one_of({"text", "json"}, [](Settings& s, const std::string& v) { s.log.format = v; })},
        {"http.max_body_bytes",
         integer_in<std::size_t>(1, std::size_t{1} << 30,
                                 [](Settings& s, std::size_t v) { s.http.max_body_bytes = v; })},
        {"http.max_header_bytes",
         integer_in<std::size_t>(1024, 1024 * 1024,
                                 [](Settings& s, std::size_t v) { s.http.max_header_bytes = v; })},
        {"http.request_timeout_ms",
         integer_in<long>(100, 3'600'000,
                          [](Settings& s, long v) { s.http.request_timeout = ms(v); })},
        {"http.head_timeout_ms",
         integer_in<long>(100, 3'600'000,
                          [](Settings& s, long v) { s.http.head_timeout = ms(v); })},
        {"http.max_idle_connections",
         integer_in<std::size_t>(
             1, 1'000'000, [](Settings& s, std::size_t v) { s.http.max_idle_connections = v; })},
        {"http.max_connections",
         integer_in<int>(1, 100'000, [](Settings& s, int v) { s.http.max_connections = v; })},
        {"http.max_queued",
         integer_in<int>(0, 1'000'000, [](Settings& s, int v) { s.http.max_queued = v; })},
        {"http.max_parked",
         integer_in<std::size_t>(1, 1'000'000,
                                 [](Settings& s, std::size_t v) { s.http.max_parked = v; })},
        {"http.drain_timeout_ms",
         integer_in<long>(0, 3'600'000, [](Settings& s, long v) { s.http.drain_timeout = ms(v); })},
        {"tls.cert_file", readable_file([](Settings& s, const auto& p) { s.tls.cert_file = p; })},
        {"tls.key_file", readable_file([](Settings& s, const auto& p) { s.tls.key_file = p; })},
        {"tls.ca_file", readable_file([](Settings& s, const auto& p) { s.tls.ca_file = p; })},
        {"simulators.offline_after_s", integer_in<long>(1, 86'400,
                                                        [](Settings& s, long v) {
                                                            s.simulators.offline_after =
                                                                std::chrono::seconds(v);
                                                        })},
        {"simulators.max_parked_polls",
         integer_in<int>(1, 1000, [](Settings& s, int v) { s.simulators.max_parked_polls = v; })},
        {"simulators.push_ca_file",
         readable_file([](Settings& s, const auto& p) { s.simulators.push_ca_file = p; })},
        {"storage.backend",
         plugin_name([](Settings& s, const std::string& v) { s.storage_backend = v; })},
        {"auth.provider",
         plugin_name([](Settings& s, const std::string& v) { s.auth_provider = v; })},
        {"auth.cache_ttl_ms",
         integer_in<long>(0, 60'000, [](Settings& s, long v) { s.auth_cache_ttl = ms(v); })},
        {"auth.login_failures_per_name",
         integer_in<int>(1, 1'000'000,
                         [](Settings& s, int v) { s.login_throttle.failures_per_name = v; })},
        {"auth.login_failures_per_address",
         integer_in<int>(1, 1'000'000,
                         [](Settings& s, int v) { s.login_throttle.failures_per_address = v; })},
        {"auth.login_max_parallel_checks",
         integer_in<int>(1, 1024,
                         [](Settings& s, int v) { s.login_throttle.max_parallel_checks = v; })},
        {"auth.login_window_s", integer_in<long>(1, 86'400,
                                                 [](Settings& s, long v) {
                                                     s.login_throttle.window =
                                                         std::chrono::seconds(v);
                                                 })},
        {"auth.login_lockout_s", integer_in<long>(1, 86'400,
                                                  [](Settings& s, long v) {
                                                      s.login_throttle.lockout =
                                                          std::chrono::seconds(v);
                                                  })},
        {"placement.policy",
         plugin_name([](Settings& s, const std::string& v) { s.placement.policy = v; })},
        {"placement.port_min",
         integer_in<int>(1, 65535, [](Settings& s, int v) { s.placement.port_min = v; })},
        {"placement.plan_work_budget", integer_in<std::uint64_t>(1000, std::uint64_t{1} << 40,
                                                                 [](Settings& s, std::uint64_t v) {
                                                                     s.placement.plan_work_budget =
                                                                         v;
                                                                 })},
        {"placement.port_max",
         integer_in<int>(1, 65535, [](Settings& s, int v) { s.placement.port_max = v; })},
        {"placement.max_cpu_load",
         share([](Settings& s, double v) { s.placement.max_cpu_load = v; })},
        {"placement.max_memory_load",
         share([](Settings& s, double v) { s.placement.max_memory_load = v; })},
        {"placement.max_regions",
         integer_in<int>(0, 100000, [](Settings& s, int v) { s.placement.max_regions = v; })},
    };
    return keys;
}

const KeySpec* find_kernel_key(const std::string& key) {
    for (const auto& spec : kernel_keys()) {
        if (spec.key == key) {
            return &spec;
        }
    }
    return nullptr;
}

// Sections the kernel owns; a key there that no KeySpec names is unknown.
bool in_kernel_section(const std::string& key) {
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
        return true;
    }
    const std::string section = key.substr(0, dot);
    const bool has_subsection = key.find('.', dot + 1) != std::string::npos;
    return !has_subsection && (section == "log" || section == "http" || section == "tls" ||
                               section == "storage" || section == "auth" || section == "sync" ||
                               section == "simulators" || section == "placement");
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

}  // namespace

Settings load_settings(const CommandLine& flags, const EnvLookup& env) {
    ValueMap values;
    if (flags.config_file) {
        values = read_ini_file(*flags.config_file);
    }
    for (const auto& spec : kernel_keys()) {
        const std::string name = env_name_for(spec.key);
        if (auto text = env(name)) {
            values[spec.key] = Value{*text, "env " + name};
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

    Settings settings;
    std::vector<ConfigIssue> issues;
    for (const auto& [key, value] : values) {
        if (const KeySpec* spec = find_kernel_key(key)) {
            if (auto error = spec->apply(value.text, settings); !error.empty()) {
                issues.push_back({key, error + " (from " + value.origin + ")"});
            }
        } else if (in_kernel_section(key)) {
            issues.push_back({key, "unknown key (from " + value.origin + ")"});
        } else {
            settings.plugin_values[key] = value;
        }
    }
    check_tls_pairing(values, issues);
    if (settings.placement.port_min > settings.placement.port_max) {
        issues.push_back({"placement.port_max", "must not be below placement.port_min (" +
                                                    std::to_string(settings.placement.port_min) +
                                                    ")"});
    }
    if (!issues.empty()) {
        throw ConfigError(std::move(issues));
    }
    return settings;
}

}  // namespace vergegrid::kernel::config
