// An injection strategy built against the vendored ABI 1.2 headers: live create first, and a
// simulator restart when the live create fails; teardown and region restart through the
// primitives the host lends (SimulatorControl, whose vtable the host implements).
#include <chrono>
#include <vergegrid/plugin_api/injection.hpp>

namespace {

namespace api = vergegrid::plugin_api;
using std::chrono::milliseconds;

class LiveThenRestart final : public api::InjectionStrategy {
  public:
    api::InjectionOutcome inject(const api::RegionPlan& region,
                                 api::SimulatorControl& simulator) override {
        simulator.write_stub(region);
        const auto created = simulator.create_region(region, milliseconds(1000));
        if (created.ok && simulator.region_health(region) > 0) {
            return {true, "live", "created live"};
        }
        simulator.clean_failed_create(region);
        if (!simulator.restart_simulator()) {
            return {
                false, "fallback-restart",
                "live create failed (" + created.error + ") and the simulator did not come back"};
        }
        return {true, "fallback-restart",
                "live create failed (" + created.error + "); restarted with " +
                    std::to_string(simulator.desired_regions().size()) + " regions"};
    }
    api::InjectionOutcome teardown(const api::RegionPlan& region, bool erase,
                                   api::SimulatorControl& simulator) override {
        const auto result = erase ? simulator.delete_region(region, milliseconds(1000))
                                  : simulator.close_region(region, milliseconds(1000));
        simulator.remove_stub(region);
        return {result.ok, erase ? "delete" : "close", result.error};
    }
    api::InjectionOutcome restart_region(const api::RegionPlan& region,
                                         api::SimulatorControl& simulator) override {
        const auto closed = simulator.close_region(region, milliseconds(1000));
        const auto created = simulator.create_region(region, milliseconds(1000));
        return {closed.ok && created.ok, "live", closed.error + created.error};
    }
};

api::PluginObject* create(const api::HostContext&) {
    return new LiveThenRestart();
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "injection",
    FIXTURE_NAME,
    "0.0.1",
    "injection strategy built against the ABI 1.2 headers",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
