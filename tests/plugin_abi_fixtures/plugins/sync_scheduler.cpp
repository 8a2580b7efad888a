// A sync scheduler built against the vendored ABI 1.2 headers: creates and deletes are eager,
// everything else waits the configured window.
#include <vergegrid/plugin_api/sync.hpp>

namespace {

namespace api = vergegrid::plugin_api;

class CreatesFirst final : public api::SyncScheduler {
  public:
    explicit CreatesFirst(int window_s) : window_s_(window_s) {}
    api::SyncClass classify(const api::RegionChangeSummary& change) const override {
        return change.kind == "create" || change.kind == "delete" ? api::SyncClass::eager
                                                                  : api::SyncClass::lazy;
    }
    int lazy_window_s() const override { return window_s_; }

  private:
    int window_s_;
};

api::PluginObject* create(const api::HostContext& host) {
    int window_s = 30;
    if (auto it = host.config.find("window_s"); it != host.config.end()) {
        window_s = std::stoi(it->second);
    }
    return new CreatesFirst(window_s);
}

const char* const kConfigKeys[] = {"window_s", nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "sync",
    FIXTURE_NAME,
    "0.0.1",
    "sync scheduler built against the ABI 1.2 headers",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
