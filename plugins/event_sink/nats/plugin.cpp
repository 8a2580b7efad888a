// Event sink plugin "nats" (ABI 1.10): the entry point and its config keys ([event_sink.nats],
// all optional): url, stream, subject_prefix, create_stream, credentials_file,
// publish_timeout_ms (docs/events.md, "NATS").
#include <dlfcn.h>
#include <nats/nats.h>

#include <charconv>
#include <filesystem>
#include <system_error>

#include "nats_sink.hpp"
#include "nats_subject.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace fs = std::filesystem;

const std::string* find(const api::ConfigSection& config, const char* key) {
    const auto it = config.find(key);
    return it == config.end() ? nullptr : &it->second;
}

bool read_bool(const std::string& key, const std::string& value) {
    if (value == "true") {
        return true;
    }
    if (value == "false") {
        return false;
    }
    throw api::ConfigError(key, "must be true or false");
}

vergegrid::event_sink::NatsSettings read_settings(const api::HostContext& host) {
    using vergegrid::event_sink::is_valid_stream_name;
    using vergegrid::event_sink::is_valid_subject_prefix;
    vergegrid::event_sink::NatsSettings settings;
    if (const auto* value = find(host.config, "url")) {
        if (value->empty()) {
            throw api::ConfigError("url", "must name a NATS server (nats://host:port)");
        }
        settings.url = *value;
    }
    if (const auto* value = find(host.config, "stream")) {
        if (!is_valid_stream_name(*value)) {
            throw api::ConfigError("stream",
                                   "must be a JetStream stream name: no '.', '*', '>', '/', "
                                   "'\\' or whitespace, at most 255 bytes");
        }
        settings.stream = *value;
    }
    if (const auto* value = find(host.config, "subject_prefix")) {
        if (!is_valid_subject_prefix(*value)) {
            throw api::ConfigError("subject_prefix",
                                   "must be NATS subject tokens joined by '.', without '*', '>' "
                                   "or whitespace");
        }
        settings.subject_prefix = *value;
    }
    if (const auto* value = find(host.config, "create_stream")) {
        settings.create_stream = read_bool("create_stream", *value);
    }
    if (const auto* value = find(host.config, "credentials_file"); value && !value->empty()) {
        fs::path file = fs::path(host.data_dir) / *value;  // an absolute value replaces the dir
        std::error_code error;
        if (!fs::is_regular_file(file, error)) {
            throw api::ConfigError("credentials_file",
                                   file.string() + " does not exist or is not a file");
        }
        settings.credentials_file = std::move(file);
    }
    if (const auto* value = find(host.config, "publish_timeout_ms")) {
        std::int64_t ms = 0;
        const auto* end = value->data() + value->size();
        const auto [stop, error] = std::from_chars(value->data(), end, ms);
        if (error != std::errc() || stop != end || ms < 100 || ms > 600000) {
            throw api::ConfigError("publish_timeout_ms", "must be a number from 100 to 600000");
        }
        settings.publish_timeout_ms = ms;
    }
    return settings;
}

// cnats runs threads of its own (timers, a destroyed connection's last work) that outlive the
// objects they served; if unloading this plugin unloaded the library under them, they would
// crash. The library stays loaded for the life of the process; this plugin may still unload.
void keep_cnats_loaded() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&natsConnection_Connect), &info) != 0 &&
        info.dli_fname != nullptr) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    }
}

api::PluginObject* create(const api::HostContext& host) {
    auto settings = read_settings(host);
    keep_cnats_loaded();
    return new vergegrid::event_sink::NatsSink(std::move(settings));
}

const char* const kConfigKeys[] = {"url",           "stream",           "subject_prefix",
                                   "create_stream", "credentials_file", "publish_timeout_ms",
                                   nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "event_sink",
    "nats",
    VG_EVENT_SINK_NATS_VERSION,
    "publishes each event to a NATS JetStream stream, the event id as the message id",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
