// Sync plugin "hybrid", the seed's model: eager for create/delete, estate reassignment,
// coordinates, size, physics, enable/disable and restarts (and every other structural field);
// lazy for environment, basic flags, prim limits, voice/flying/scripts and draw distance.
#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "vergegrid/plugin_api/sync.hpp"

namespace {

namespace api = vergegrid::plugin_api;

constexpr std::array<std::string_view, 5> kLazyPrefixes{"environment.", "terrain.", "permissions.",
                                                        "flags.", "draw_distance_cap"};

bool is_lazy_field(const std::string& field) {
    if (field == "flags.enabled") {
        return false;
    }
    return std::any_of(kLazyPrefixes.begin(), kLazyPrefixes.end(),
                       [&](std::string_view prefix) { return field.rfind(prefix, 0) == 0; });
}

class HybridSync final : public api::SyncScheduler {
  public:
    explicit HybridSync(int window_s) : window_s_(window_s) {}

    api::SyncClass classify(const api::RegionChangeSummary& change) const override {
        if (change.kind != "update" || change.fields.empty()) {
            return api::SyncClass::eager;
        }
        const bool all_lazy =
            std::all_of(change.fields.begin(), change.fields.end(), is_lazy_field);
        return all_lazy ? api::SyncClass::lazy : api::SyncClass::eager;
    }
    int lazy_window_s() const override { return window_s_; }

  private:
    int window_s_;
};

api::PluginObject* create(const api::HostContext& host) {
    int window_s = 60;
    if (auto it = host.config.find("window_s"); it != host.config.end()) {
        const auto& text = it->second;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), window_s);
        if (ec != std::errc{} || ptr != text.data() + text.size() || window_s < 0 ||
            window_s > 86400) {
            throw api::ConfigError("window_s",
                                   "'" + text + "' is not an integer between 0 and 86400");
        }
    }
    host.logger->info("lazy changes are delivered after " + std::to_string(window_s) + " s");
    return new HybridSync(window_s);
}

const char* const kConfigKeys[] = {"window_s", nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "sync",
    "hybrid",
    VG_SYNC_HYBRID_VERSION,
    "eager structural changes, lazy cosmetic ones coalesced per region",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
