// Event sink plugin "webhook" (ABI 1.10): the entry point and its config keys, all optional:
// `ca_file` (CAs trusted besides the system's: private CAs, tests), `allow_http` (false: only
// https:// targets), `max_response_bytes` (how much of an answer's head is read, 64 KiB).
#include <Poco/Exception.h>

#include <charconv>
#include <filesystem>
#include <system_error>

#include "webhook_sink.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace fs = std::filesystem;

const std::string* find(const api::ConfigSection& config, const char* key) {
    const auto it = config.find(key);
    return it == config.end() ? nullptr : &it->second;
}

vergegrid::event_sink::WebhookSettings read_settings(const api::HostContext& host) {
    vergegrid::event_sink::WebhookSettings settings;
    if (const auto* value = find(host.config, "ca_file"); value && !value->empty()) {
        fs::path file = fs::path(host.data_dir) / *value;  // an absolute value replaces the dir
        std::error_code error;
        if (!fs::is_regular_file(file, error)) {
            throw api::ConfigError("ca_file", file.string() + " does not exist or is not a file");
        }
        settings.ca_file = std::move(file);
    }
    if (const auto* value = find(host.config, "allow_http")) {
        if (*value == "true") {
            settings.allow_http = true;
        } else if (*value != "false") {
            throw api::ConfigError("allow_http", "must be true or false");
        }
    }
    if (const auto* value = find(host.config, "max_response_bytes")) {
        std::size_t bytes = 0;
        const auto* end = value->data() + value->size();
        const auto [stop, error] = std::from_chars(value->data(), end, bytes);
        if (error != std::errc() || stop != end || bytes < 1024 || bytes > 16 * 1024 * 1024) {
            throw api::ConfigError("max_response_bytes", "must be a number from 1024 to 16777216");
        }
        settings.max_response_bytes = bytes;
    }
    return settings;
}

api::PluginObject* create(const api::HostContext& host) {
    auto settings = read_settings(host);
    const bool has_ca_file = settings.ca_file.has_value();
    try {
        return new vergegrid::event_sink::WebhookSink(std::move(settings));
    } catch (const Poco::Exception& e) {
        if (has_ca_file) {
            throw api::ConfigError("ca_file", "cannot be used: " + e.displayText());
        }
        throw;
    }
}

const char* const kConfigKeys[] = {"ca_file", "allow_http", "max_response_bytes", nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "event_sink",
    "webhook",
    VG_EVENT_SINK_WEBHOOK_VERSION,
    "POSTs each event to an HTTPS receiver, signed with HMAC-SHA256, within a deadline",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
