#include "plugin_host/build_key.hpp"

#include <cstddef>
#include <map>

namespace vergegrid::plugin_host {

namespace {

using plugin_api::PluginDescriptor;

constexpr std::size_t kSizeWithBuildKey =
    offsetof(PluginDescriptor, build_key) + sizeof(PluginDescriptor::build_key);
constexpr std::uint16_t kFirstMinorWithBuildKey = 4;

// "a=1;b=2" -> {a: 1, b: 2}; pieces without '=' are ignored.
std::map<std::string, std::string, std::less<>> items_of(std::string_view key) {
    std::map<std::string, std::string, std::less<>> items;
    while (!key.empty()) {
        const auto end = key.find(';');
        const auto item = key.substr(0, end);
        if (const auto eq = item.find('='); eq != std::string_view::npos) {
            items.emplace(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
        }
        key = end == std::string_view::npos ? std::string_view{} : key.substr(end + 1);
    }
    return items;
}

bool is_required(std::string_view item) {
    for (const char* required : plugin_api::kBuildKeyItems) {
        if (item == required) {
            return true;
        }
    }
    return false;
}

// "compiler (plugin gcc-13, host gcc-12), debug (plugin 1, host 0)", or "" when they agree.
std::string differences(std::string_view plugin_key, std::string_view host_key) {
    const auto plugin = items_of(plugin_key);
    std::string text;
    for (const auto& [item, host_value] : items_of(host_key)) {
        if (item == "sdk") {
            continue;  // informative: the ABI version decides which SDKs fit
        }
        const auto found = plugin.find(item);
        if (found == plugin.end() && !is_required(item)) {
            continue;  // an item of a newer minor than the plugin's
        }
        const std::string plugin_value = found == plugin.end() ? "missing" : found->second;
        if (plugin_value != host_value) {
            text += (text.empty() ? "" : ", ") + item + " (plugin " + plugin_value + ", host " +
                    host_value + ")";
        }
    }
    return text;
}

}  // namespace

std::optional<std::string> build_key_refusal(const PluginDescriptor& descriptor,
                                             const std::string& file_name,
                                             std::string_view host_key) {
    const bool has_field = descriptor.struct_size >= kSizeWithBuildKey;
    if (!has_field) {
        if (descriptor.abi_minor >= kFirstMinorWithBuildKey) {
            return file_name + " claims plugin ABI 1." + std::to_string(descriptor.abi_minor) +
                   " but its descriptor has no build key (ABI 1.4 added it): rebuild it against "
                   "the SDK";
        }
        return std::nullopt;  // built before 1.4: the version rule alone judges it
    }
    if (descriptor.build_key == nullptr) {
        return file_name + " carries an empty build key: rebuild it against the SDK";
    }
    const std::string_view plugin_key = descriptor.build_key;
    const std::string diff = differences(plugin_key, host_key);
    if (diff.empty()) {
        return std::nullopt;
    }
    return file_name + " was built with build key '" + std::string(plugin_key) +
           "'; this host was built with '" + std::string(host_key) + "'; they differ in " + diff +
           ": rebuild the plugin with the host's compiler, standard library and flags";
}

}  // namespace vergegrid::plugin_host
