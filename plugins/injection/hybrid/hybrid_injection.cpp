// Injection plugin "hybrid", the seed's option C. Inject: admin_create_region, then wait for
// admin_region_query to report health > 0, then the stub (so the next simulator start loads the
// region too). When the live path fails or times out: clean up what the create left, write the
// stub, restart the simulator (its region loader reads the stubs) and confirm every desired
// region healthy. Teardown: close or delete within a time limit, then remove the stub; when that
// fails, remove the stub and restart the simulator, then confirm the other regions came back.
#include <charconv>
#include <chrono>
#include <string>
#include <thread>

#include "vergegrid/plugin_api/injection.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using std::chrono::milliseconds;

struct Timing {
    milliseconds create_timeout{15000};
    milliseconds confirm_timeout{20000};
    milliseconds teardown_timeout{15000};
    milliseconds poll_interval{50};
};

class HybridInjection final : public api::InjectionStrategy {
  public:
    HybridInjection(Timing timing, std::shared_ptr<api::Logger> log)
        : timing_(timing), log_(std::move(log)) {}

    api::InjectionOutcome inject(const api::RegionPlan& region,
                                 api::SimulatorControl& simulator) override {
        if (simulator.region_health(region) > 0) {
            simulator.write_stub(region);
            return {true, "already-live", "region " + region.name + " was already running"};
        }
        const auto created = simulator.create_region(region, timing_.create_timeout);
        if (!created.ok && restart_cannot_fix(created.error)) {
            simulator.clean_failed_create(region);
            return {false, "live", "create failed: " + created.error};
        }
        std::string why;
        if (created.ok) {
            if (wait_healthy(region, simulator)) {
                simulator.write_stub(region);
                return {true, "live", "created live"};
            }
            why = "created but not healthy within " +
                  std::to_string(timing_.confirm_timeout.count()) + " ms";
        } else {
            why = created.timed_out ? "create timed out after " +
                                          std::to_string(timing_.create_timeout.count()) + " ms"
                                    : "create failed: " + created.error;
        }
        log_->warn("region " + region.name + ": live injection failed (" + why +
                   "); falling back to stub + simulator restart");
        simulator.clean_failed_create(region);
        simulator.write_stub(region);
        if (!simulator.restart_simulator()) {
            return {false, "fallback-restart", why + "; the simulator did not come back"};
        }
        std::string missing = unhealthy_regions(simulator);
        if (!missing.empty()) {
            return {false, "fallback-restart",
                    why + "; after the restart these regions are not healthy: " + missing};
        }
        return {true, "fallback-restart", why + "; loaded from its stub by a simulator restart"};
    }

    api::InjectionOutcome teardown(const api::RegionPlan& region, bool erase,
                                   api::SimulatorControl& simulator) override {
        const int health = simulator.region_health(region);
        if (health == 0) {
            simulator.remove_stub(region);
            return {true, "not-running", "region " + region.name + " was not running"};
        }
        std::string why;
        if (health > 0) {
            const auto closed = erase ? simulator.delete_region(region, timing_.teardown_timeout)
                                      : simulator.close_region(region, timing_.teardown_timeout);
            if (closed.ok) {
                simulator.remove_stub(region);
                return {true, "soft", erase ? "deleted live" : "closed live"};
            }
            why = closed.timed_out
                      ? std::string(erase ? "delete" : "close") + " timed out after " +
                            std::to_string(timing_.teardown_timeout.count()) + " ms"
                      : std::string(erase ? "delete" : "close") + " failed: " + closed.error;
        } else {
            why = "the simulator does not answer";
        }
        log_->warn("region " + region.name + ": soft teardown failed (" + why +
                   "); removing the stub and restarting the simulator");
        simulator.remove_stub(region);
        if (!simulator.restart_simulator()) {
            return {false, "hard-teardown", why + "; the simulator did not come back"};
        }
        if (simulator.region_health(region) > 0) {
            return {false, "hard-teardown", why + "; the region is still running after a restart"};
        }
        std::string missing = unhealthy_regions(simulator);
        if (!missing.empty()) {
            return {false, "hard-teardown",
                    why + "; after the restart these regions are not healthy: " + missing};
        }
        return {true, "hard-teardown", why + "; removed by a simulator restart"};
    }

    api::InjectionOutcome restart_region(const api::RegionPlan& region,
                                         api::SimulatorControl& simulator) override {
        if (simulator.region_health(region) > 0) {
            const auto closed = simulator.close_region(region, timing_.teardown_timeout);
            if (!closed.ok) {
                // A region that will not close is restarted with its simulator.
                return inject_after_stuck_close(region, simulator, closed);
            }
        }
        auto outcome = inject(region, simulator);
        outcome.detail = "closed and created again: " + outcome.detail;
        return outcome;
    }

  private:
    // A create the simulator refused for a reason a restart brings back unchanged: the region
    // loader would start it in another estate than asked, so the operation fails with the reason
    // (an estate owner that is not a user of the simulator's user service, trap 11).
    static bool restart_cannot_fix(const std::string& error) {
        return error.find("Specified user was not found.") != std::string::npos;
    }

    api::InjectionOutcome inject_after_stuck_close(const api::RegionPlan& region,
                                                   api::SimulatorControl& simulator,
                                                   const api::CallResult& closed) {
        simulator.write_stub(region);
        const std::string why =
            closed.timed_out ? "close timed out" : "close failed: " + closed.error;
        if (!simulator.restart_simulator()) {
            return {false, "fallback-restart", why + "; the simulator did not come back"};
        }
        std::string missing = unhealthy_regions(simulator);
        return {missing.empty(), "fallback-restart",
                missing.empty()
                    ? why + "; restarted with its simulator"
                    : why + "; after the restart these regions are not healthy: " + missing};
    }

    bool wait_healthy(const api::RegionPlan& region, api::SimulatorControl& simulator) const {
        const auto deadline = std::chrono::steady_clock::now() + timing_.confirm_timeout;
        for (;;) {
            if (simulator.region_health(region) > 0) {
                return true;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                return false;
            }
            std::this_thread::sleep_for(timing_.poll_interval);
        }
    }

    // Names of the desired regions not healthy within the confirm timeout, comma-separated.
    std::string unhealthy_regions(api::SimulatorControl& simulator) const {
        std::string missing;
        for (const auto& region : simulator.desired_regions()) {
            if (!wait_healthy(region, simulator)) {
                missing += (missing.empty() ? "" : ", ") + region.name;
            }
        }
        return missing;
    }

    Timing timing_;
    std::shared_ptr<api::Logger> log_;
};

milliseconds read_ms(const api::ConfigSection& config, const std::string& key,
                     milliseconds fallback) {
    auto it = config.find(key);
    if (it == config.end()) {
        return fallback;
    }
    long value = 0;
    const auto& text = it->second;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || value < 1 || value > 3'600'000) {
        throw api::ConfigError(key, "'" + text + "' is not an integer between 1 and 3600000");
    }
    return milliseconds(value);
}

api::PluginObject* create(const api::HostContext& host) {
    Timing timing;
    timing.create_timeout = read_ms(host.config, "create_timeout_ms", timing.create_timeout);
    timing.confirm_timeout = read_ms(host.config, "confirm_timeout_ms", timing.confirm_timeout);
    timing.teardown_timeout = read_ms(host.config, "teardown_timeout_ms", timing.teardown_timeout);
    timing.poll_interval = read_ms(host.config, "poll_interval_ms", timing.poll_interval);
    return new HybridInjection(timing, host.logger);
}

const char* const kConfigKeys[] = {"create_timeout_ms", "confirm_timeout_ms", "teardown_timeout_ms",
                                   "poll_interval_ms", nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "injection",
    "hybrid",
    VG_INJECTION_HYBRID_VERSION,
    "live RemoteAdmin create/close first; stub file + simulator restart when that fails",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
