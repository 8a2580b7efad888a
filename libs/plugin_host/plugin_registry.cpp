#include "plugin_host/plugin_registry.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>

namespace vergegrid::plugin_host {

PluginRegistry::PluginRegistry(PluginLoader loader) : loader_(std::move(loader)) {}

void PluginRegistry::discover(const std::filesystem::path& directory,
                              std::span<const KindUse> kinds) {
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.is_regular_file() && entry.path().extension() == ".so") {
            files.push_back(entry.path());
        }
    }
    if (error) {
        spdlog::warn("plugin directory {} cannot be read: {}", directory.string(), error.message());
        return;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        add(file, kinds);
    }
}

PluginRecord PluginRegistry::add(const std::filesystem::path& file,
                                 std::span<const KindUse> kinds) {
    LoadOutcome outcome = loader_.load(file, kinds);
    std::lock_guard lock(mutex_);
    if (outcome.plugin) {
        const std::string id = outcome.plugin->id();
        if (auto existing = by_id_.find(id); existing != by_id_.end()) {
            outcome.record.status = PluginStatus::refused;
            outcome.record.reason = "duplicate plugin " + id + ": already loaded from " +
                                    existing->second->record().file.string();
            spdlog::warn("plugin {} refused: {}", file.string(), outcome.record.reason);
            outcome.plugin.reset();
        } else {
            by_id_.emplace(id, outcome.plugin);
            order_.push_back(id);
        }
    }
    records_.push_back(outcome.record);
    return outcome.record;
}

std::shared_ptr<LoadedPlugin> PluginRegistry::find(const std::string& kind,
                                                   const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(kind + "/" + name);
    return it == by_id_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<LoadedPlugin>> PluginRegistry::loaded() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<LoadedPlugin>> plugins;
    for (const auto& id : order_) {
        plugins.push_back(by_id_.at(id));
    }
    return plugins;
}

void PluginRegistry::release(const std::string& kind, const std::string& name) {
    std::lock_guard lock(mutex_);
    const std::string id = kind + "/" + name;
    auto it = by_id_.find(id);
    if (it == by_id_.end()) {
        return;
    }
    const auto file = it->second->record().file;
    by_id_.erase(it);
    order_.erase(std::remove(order_.begin(), order_.end(), id), order_.end());
    records_.erase(std::remove_if(records_.begin(), records_.end(),
                                  [&](const PluginRecord& r) {
                                      return r.file == file && r.status == PluginStatus::loaded;
                                  }),
                   records_.end());
}

std::vector<PluginRecord> PluginRegistry::records() const {
    std::lock_guard lock(mutex_);
    return records_;
}

}  // namespace vergegrid::plugin_host
