// A placement policy built against the vendored headers of an older ABI (FIXTURE_ABI_MINOR 0 or
// 2). It keeps the grid's rules the way a policy of its time had to (the engine of ABI 1.0 to 1.3
// relied on the policy for them) and prefers the simulator with the most free slots.
//   1.0: PlacementPolicy only; RegionNeeds and SimulatorSnapshot end before region_name/hostname.
//   1.2: IndexedPlacementPolicy as 1.2 shipped it (open_for_regions, simulator_score): no
//        accepts_labels slot, which the host must never call.
#include <algorithm>
#include <vergegrid/plugin_api/placement.hpp>

namespace {

namespace api = vergegrid::plugin_api;

bool carries(const std::vector<std::string>& labels, const std::string& label) {
    return std::find(labels.begin(), labels.end(), label) != labels.end();
}

#if FIXTURE_ABI_MINOR >= 2
using Base = api::IndexedPlacementPolicy;
#else
using Base = api::PlacementPolicy;
#endif

class FreeSlotsPolicy final : public Base {
  public:
    std::optional<std::string> filter(const api::RegionNeeds& region,
                                      const api::SimulatorSnapshot& simulator) const override {
        if (simulator.state != "online" && simulator.state != "registered") {
            return "simulator is " + simulator.state;
        }
        if (simulator.region_count >= simulator.capacity) {
            return std::string("simulator is full");
        }
        for (const auto& label : region.required_labels) {
            if (!carries(simulator.labels, label)) {
                return "simulator lacks label '" + label + "'";
            }
        }
#if FIXTURE_ABI_MINOR >= 2
        for (const auto& apart : region.anti_affinity) {
            if (carries(simulator.labels, apart) || carries(simulator.region_names, apart)) {
                return "simulator carries '" + apart + "'";
            }
        }
#endif
        return std::nullopt;
    }
    double score(const api::RegionNeeds& region,
                 const api::SimulatorSnapshot& simulator) const override {
        double preferred = 0.0;
        for (const auto& label : region.preferred_labels) {
            preferred += carries(simulator.labels, label) ? 1000.0 : 0.0;
        }
        return slots(simulator) + preferred;
    }
#if FIXTURE_ABI_MINOR >= 2
    bool open_for_regions(const api::SimulatorSnapshot& simulator) const override {
        return (simulator.state == "online" || simulator.state == "registered") &&
               simulator.region_count < simulator.capacity;
    }
    double simulator_score(const api::SimulatorSnapshot& simulator) const override {
        return slots(simulator);
    }
#endif

  private:
    static double slots(const api::SimulatorSnapshot& simulator) {
        return static_cast<double>(simulator.capacity - simulator.region_count);
    }
};

api::PluginObject* create(const api::HostContext& host) {
    host.logger->info("free-slots policy of ABI 1." FIXTURE_ABI_MINOR_TEXT " created");
    return new FreeSlotsPolicy();
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "placement",
    FIXTURE_NAME,
    "0.0.1",
    "free-slots policy built against the ABI 1." FIXTURE_ABI_MINOR_TEXT " headers",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
