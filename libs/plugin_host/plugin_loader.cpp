#include "plugin_host/plugin_loader.hpp"

#include "plugin_host/build_key.hpp"

#include <dlfcn.h>

#include <spdlog/spdlog.h>
#include <cstddef>
#include <optional>
#include <string>

namespace vergegrid::plugin_host {

namespace {

using plugin_api::PluginDescriptor;

// The descriptor fields of ABI 1.0, up to and including `create`.
constexpr std::size_t kMinimumDescriptorSize =
    offsetof(PluginDescriptor, create) + sizeof(PluginDescriptor::create);

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
}

bool is_valid_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

LoadOutcome refuse(PluginRecord record, std::string reason) {
    record.status = PluginStatus::refused;
    record.reason = std::move(reason);
    return {std::move(record), nullptr};
}

}  // namespace

std::string to_string(PluginStatus status) {
    switch (status) {
        case PluginStatus::loaded:
            return "loaded";
        case PluginStatus::refused:
            return "refused";
        case PluginStatus::failed:
            return "failed";
        case PluginStatus::skipped:
            return "skipped";
    }
    return "unknown";
}

PluginLoader::PluginLoader(std::shared_ptr<spdlog::logger> log, plugin_api::AbiVersion host_abi,
                           std::string program)
    : log_(std::move(log)), host_abi_(host_abi), program_(std::move(program)) {}

LoadOutcome PluginLoader::load(const std::filesystem::path& file) const {
    return load(file, every_kind());
}

LoadOutcome PluginLoader::load(const std::filesystem::path& file,
                               std::span<const KindUse> kinds) const {
    LoadOutcome outcome = inspect(file, kinds);
    const auto& r = outcome.record;
    if (r.status == PluginStatus::loaded) {
        log_->info("plugin {}/{} {} (ABI {}) loaded from {}", r.kind, r.name, r.version,
                   r.abi->to_string(), r.file.string());
    } else if (r.status == PluginStatus::skipped) {
        log_->debug("plugin {} skipped: {}", r.file.string(), r.reason);
    } else {
        log_->warn("plugin {} {}: {}", r.file.string(), to_string(r.status), r.reason);
    }
    return outcome;
}

LoadOutcome PluginLoader::inspect(const std::filesystem::path& file,
                                  std::span<const KindUse> kinds) const {
    PluginRecord record;
    record.file = file;
    if (auto named = kind_from_file_name(file); !named.empty() && !find_kind(kinds, named)) {
        record.kind = named;
        record.status = PluginStatus::skipped;
        record.reason = unused_kind_reason(named, program_);
        return {std::move(record), nullptr};
    }

    auto library = std::make_shared<boost::dll::shared_library>();
    boost::dll::fs::error_code error;
    // RTLD_NOW: a missing symbol fails here, not in the middle of a request.
    // RTLD_LOCAL: two plugins' symbols never resolve against each other.
    library->load(boost::dll::fs::path(file.string()),
                  boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
    if (error) {
        // Boost.DLL 1.74 reports every dlopen failure as "bad file descriptor"; the dynamic
        // loader's own message (still pending in this thread) is the one an operator needs.
        const char* reason = ::dlerror();
        record.status = PluginStatus::failed;
        record.reason = reason != nullptr ? reason : error.message();
        return {std::move(record), nullptr};
    }

    if (!library->has(plugin_api::kEntryPointName)) {
        return refuse(std::move(record),
                      std::string("no entry point '") + plugin_api::kEntryPointName +
                          "' (not a VergeGrid plugin, or built without VERGEGRID_PLUGIN)");
    }
    const PluginDescriptor* descriptor = nullptr;
    try {
        descriptor = library->get_alias<plugin_api::EntryPoint>(plugin_api::kEntryPointName)();
    } catch (const std::exception& e) {
        return refuse(std::move(record), std::string("entry point failed: ") + e.what());
    }
    if (descriptor == nullptr) {
        return refuse(std::move(record), "entry point returned no descriptor");
    }
    if (auto refusal = check_descriptor(descriptor, record)) {
        return std::move(*refusal);
    }
    const KindUse* use = find_kind(kinds, record.kind);
    if (use == nullptr) {  // the library is unloaded with `library`
        record.status = PluginStatus::skipped;
        record.reason = unused_kind_reason(record.kind, program_);
        return {std::move(record), nullptr};
    }
    if (auto refusal = check_min_minor(record, *use, program_); !refusal.empty()) {
        return refuse(std::move(record), std::move(refusal));
    }

    record.status = PluginStatus::loaded;
    auto plugin = std::make_shared<LoadedPlugin>(std::move(library), descriptor, record);
    return {std::move(record), std::move(plugin)};
}

// The descriptor rules: ABI version, size, kind, name, create function. Fills `record` from the
// descriptor as far as it can be read; the refusal, or nullopt when the descriptor is acceptable.
std::optional<LoadOutcome> PluginLoader::check_descriptor(const PluginDescriptor* descriptor,
                                                          PluginRecord& record) const {
    const auto& file = record.file;
    if (descriptor->struct_size <
        offsetof(PluginDescriptor, abi_minor) + sizeof(descriptor->abi_minor)) {
        return refuse(std::move(record), "descriptor too small to carry an ABI version");
    }

    const plugin_api::AbiVersion abi{descriptor->abi_major, descriptor->abi_minor};
    record.abi = abi;
    const std::string built_for = file.filename().string() + " was built for plugin ABI " +
                                  abi.to_string() + "; this " + program_ + " speaks ABI " +
                                  host_abi_.to_string();
    if (abi.major != host_abi_.major) {
        return refuse(std::move(record),
                      built_for + " (majors must match): rebuild it against a matching SDK");
    }
    if (abi.minor > host_abi_.minor) {
        return refuse(std::move(record), built_for + " (its minor is newer): upgrade " + program_ +
                                             " or use an older build");
    }
    if (descriptor->struct_size < kMinimumDescriptorSize) {
        return refuse(std::move(record),
                      "descriptor is smaller than ABI " + abi.to_string() + " requires");
    }

    record.kind = text_or_empty(descriptor->kind);
    record.name = text_or_empty(descriptor->name);
    record.version = text_or_empty(descriptor->version);
    record.summary = text_or_empty(descriptor->summary);
    for (auto key = descriptor->config_keys; key != nullptr && *key != nullptr; ++key) {
        record.config_keys.emplace_back(*key);
    }
    if (auto refusal = build_key_refusal(*descriptor, file.filename().string())) {
        return refuse(std::move(record), std::move(*refusal));
    }
    if (!plugin_api::kind::is_known(record.kind)) {
        return refuse(std::move(record), "unknown plugin kind '" + record.kind + "'");
    }
    if (!is_valid_name(record.name)) {
        return refuse(std::move(record), "invalid plugin name '" + record.name +
                                             "' (lower-case letters, digits and '-')");
    }
    if (descriptor->create == nullptr) {
        return refuse(std::move(record), "descriptor has no create function");
    }
    return std::nullopt;
}

}  // namespace vergegrid::plugin_host
