#include "control/app/control_settings.hpp"

#include "kernel/config/key_spec.hpp"

namespace vergegrid::control {

namespace {

using kernel::config::bounded_text;
using kernel::config::http_url;
using kernel::config::integer_in;
using kernel::config::one_of;
using kernel::config::plugin_name;
using kernel::config::readable_file;
using kernel::config::share;
using S = ControlSettings;

// Plugin names separated by commas ("" for none) into `names`; an error message, or "".
std::string plugin_names(const std::string& text, std::vector<std::string>& names) {
    std::size_t start = 0;
    while (!text.empty() && start <= text.size()) {
        const auto comma = text.find(',', start);
        auto name =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (name.empty() ||
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
            return "'" + text + "' is not a list of plugin names separated by commas";
        }
        names.push_back(name);
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return "";
}

// events.sinks: plugin names separated by commas ("" for none).
std::string apply_sinks(const std::string& text, S& settings) {
    std::vector<std::string> names;
    auto error = plugin_names(text, names);
    if (error.empty()) {
        settings.events.sinks = std::move(names);
        settings.events.sinks_configured = true;
    }
    return error;
}

// blueprints.load: plugin names separated by commas ("" for none).
std::string apply_blueprints(const std::string& text, S& settings) {
    std::vector<std::string> names;
    auto error = plugin_names(text, names);
    if (error.empty()) {
        settings.blueprints.load = std::move(names);
        settings.blueprints.load_configured = true;
    }
    return error;
}

const std::vector<kernel::config::KeySpec<S>>& control_keys() {
    using ms = std::chrono::milliseconds;
    using sec = std::chrono::seconds;
    static const std::vector<kernel::config::KeySpec<S>> keys = {
        {"simulators.offline_after_s",
         integer_in<S, long>(1, 86'400, [](S& s, long v) { s.simulators.offline_after = sec(v); })},
        {"simulators.max_parked_polls",
         integer_in<S, int>(1, 1000, [](S& s, int v) { s.simulators.max_parked_polls = v; })},
        {"simulators.push_ca_file",
         readable_file<S>([](S& s, const auto& p) { s.simulators.push_ca_file = p; })},
        {"storage.backend",
         plugin_name<S>([](S& s, const std::string& v) { s.storage_backend = v; })},
        {"storage.group_commit",
         one_of<S>({"on", "off"},
                   [](S& s, const std::string& v) { s.storage_group_commit = v == "on"; })},
        {"auth.provider", plugin_name<S>([](S& s, const std::string& v) { s.auth_provider = v; })},
        {"sync.scheduler",
         plugin_name<S>([](S& s, const std::string& v) { s.sync_scheduler = v; })},
        {"auth.cache_ttl_ms",
         integer_in<S, long>(0, 60'000, [](S& s, long v) { s.auth_cache_ttl = ms(v); })},
        {"auth.login_failures_per_name",
         integer_in<S, int>(1, 1'000'000,
                            [](S& s, int v) { s.login_throttle.failures_per_name = v; })},
        {"auth.login_failures_per_address",
         integer_in<S, int>(1, 1'000'000,
                            [](S& s, int v) { s.login_throttle.failures_per_address = v; })},
        {"auth.login_max_parallel_checks",
         integer_in<S, int>(1, 1024,
                            [](S& s, int v) { s.login_throttle.max_parallel_checks = v; })},
        {"auth.login_window_s",
         integer_in<S, long>(1, 86'400, [](S& s, long v) { s.login_throttle.window = sec(v); })},
        {"auth.login_lockout_s",
         integer_in<S, long>(1, 86'400, [](S& s, long v) { s.login_throttle.lockout = sec(v); })},
        {"placement.policy",
         plugin_name<S>([](S& s, const std::string& v) { s.placement.policy = v; })},
        {"placement.port_min",
         integer_in<S, int>(1, 65535, [](S& s, int v) { s.placement.port_min = v; })},
        {"placement.plan_work_budget",
         integer_in<S, std::uint64_t>(
             1000, std::uint64_t{1} << 40,
             [](S& s, std::uint64_t v) { s.placement.plan_work_budget = v; })},
        {"placement.port_max",
         integer_in<S, int>(1, 65535, [](S& s, int v) { s.placement.port_max = v; })},
        {"placement.max_cpu_load", share<S>([](S& s, double v) { s.placement.max_cpu_load = v; })},
        {"placement.max_memory_load",
         share<S>([](S& s, double v) { s.placement.max_memory_load = v; })},
        {"placement.max_regions",
         integer_in<S, int>(0, 100000, [](S& s, int v) { s.placement.max_regions = v; })},
        {"snapshots.store", plugin_name<S>([](S& s, const std::string& v) {
             s.snapshots.store = v;
             s.snapshot_store_configured = true;
         })},
        {"snapshots.max_chunk_bytes", integer_in<S, std::uint64_t>(4096, std::uint64_t{256} << 20,
                                                                   [](S& s, std::uint64_t v) {
                                                                       s.snapshots.max_chunk_bytes =
                                                                           v;
                                                                   })},
        {"snapshots.save_timeout_s",
         integer_in<S, long>(10, 7 * 86'400,
                             [](S& s, long v) { s.snapshots.save_timeout = sec(v); })},
        {"snapshots.schedule_interval_s",
         integer_in<S, long>(0, 365 * 86'400,
                             [](S& s, long v) { s.snapshots.schedule_interval = sec(v); })},
        {"snapshots.retention_interval_s",
         integer_in<S, long>(1, 7 * 86'400,
                             [](S& s, long v) { s.snapshots.retention_interval = sec(v); })},
        {"snapshots.ephemeral_keep_last",
         integer_in<S, int>(0, 10'000, [](S& s, int v) { s.snapshots.ephemeral.keep_last = v; })},
        {"snapshots.ephemeral_keep_daily_days",
         integer_in<S, int>(0, 3660,
                            [](S& s, int v) { s.snapshots.ephemeral.keep_daily_days = v; })},
        {"snapshots.persistent_keep_last",
         integer_in<S, int>(0, 10'000, [](S& s, int v) { s.snapshots.persistent.keep_last = v; })},
        {"snapshots.persistent_keep_daily_days",
         integer_in<S, int>(0, 3660,
                            [](S& s, int v) { s.snapshots.persistent.keep_daily_days = v; })},
        {"snapshots.premium_keep_last",
         integer_in<S, int>(0, 10'000, [](S& s, int v) { s.snapshots.premium.keep_last = v; })},
        {"snapshots.premium_keep_daily_days",
         integer_in<S, int>(0, 3660, [](S& s, int v) { s.snapshots.premium.keep_daily_days = v; })},
        {"migration.strategy",
         plugin_name<S>([](S& s, const std::string& v) { s.migration_strategy = v; })},
        {"ha.failover_s",
         integer_in<S, long>(3, 3600, [](S& s, long v) { s.ha.failover = sec(v); })},
        {"ha.poll_recheck_s",
         integer_in<S, long>(0, 3600, [](S& s, long v) { s.ha.poll_recheck = sec(v); })},
        {"ha.name", bounded_text<S>(255, [](S& s, const std::string& v) { s.ha.name = v; })},
        {"ha.advertise_url",
         http_url<S>([](S& s, const std::string& v) { s.ha.advertise_url = v; })},
        {"events.sinks", apply_sinks},
        {"events.source",
         bounded_text<S>(255, [](S& s, const std::string& v) { s.events.source = v; })},
        {"events.retry_for_s",
         integer_in<S, long>(1, 30 * 86'400, [](S& s, long v) { s.events.retry_for = sec(v); })},
        {"events.max_backoff_s",
         integer_in<S, long>(1, 3600, [](S& s, long v) { s.events.max_backoff = sec(v); })},
        {"events.delivery_timeout_ms",
         integer_in<S, long>(100, 120'000,
                             [](S& s, long v) { s.events.delivery_timeout = ms(v); })},
        {"events.retention_days",
         integer_in<S, int>(1, 3650, [](S& s, int v) { s.events.retention_days = v; })},
        {"events.max_webhooks",
         integer_in<S, int>(0, 10'000, [](S& s, int v) { s.events.max_webhooks = v; })},
        {"events.checkpoint_interval_s",
         integer_in<S, long>(0, 7 * 86'400,
                             [](S& s, long v) { s.events.checkpoint_interval = sec(v); })},
        {"migration.step_timeout_s",
         integer_in<S, int>(0, 86'400, [](S& s, int v) { s.migration_step_timeout_s = v; })},
        {"blueprints.load", apply_blueprints},
    };
    return keys;
}

std::vector<std::string> control_key_names() {
    std::vector<std::string> names;
    for (const auto& spec : control_keys()) {
        names.push_back(spec.key);
    }
    return names;
}

}  // namespace

ControlSettings load_control_settings(const kernel::config::CommandLine& flags,
                                      const config_sources::EnvLookup& env) {
    ControlSettings settings;
    kernel::config::LayerKeys layer;
    layer.keys = control_key_names();
    layer.sections = {"storage",   "auth",      "sync", "simulators", "placement",
                      "snapshots", "migration", "ha",   "events",     "blueprints"};
    layer.apply = [&settings](const std::string& key, const std::string& text) {
        for (const auto& spec : control_keys()) {
            if (spec.key == key) {
                return spec.apply(text, settings);
            }
        }
        return std::string("unknown key");
    };
    layer.check = [&settings](std::vector<config_sources::ConfigIssue>& issues) {
        if (settings.placement.port_min > settings.placement.port_max) {
            issues.push_back(
                {"placement.port_max", "must not be below placement.port_min (" +
                                           std::to_string(settings.placement.port_min) + ")"});
        }
    };
    static_cast<kernel::config::Settings&>(settings) =
        kernel::config::load_settings(flags, env, layer);
    return settings;
}

std::vector<std::string> control_env_names() {
    std::vector<std::string> names = kernel::config::kernel_env_names();
    for (const auto& key : control_key_names()) {
        names.push_back(config_sources::env_name_for(key));
    }
    return names;
}

}  // namespace vergegrid::control
