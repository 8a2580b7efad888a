// vg-placement-hello: an example placement policy built against the VergeGrid SDK.
//
// The engine has already applied the grid's hard rules before this policy sees a simulator (see
// placement.hpp: states, capacity, load thresholds, required labels, anti-affinity, ports), so
// the policy does not repeat them:
// filter(): adds no rule of its own (a policy that has one, say "no var regions on small
//           hosts", returns its reason here: it can only narrow what the engine let through).
// score():  prefers the least-loaded simulator: free region slots plus free CPU and memory, the
//           two loads mixed by the config key weight_cpu (0..1, default 0.5), plus a small bonus
//           per preferred label.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <vergegrid/plugin_api/placement.hpp>
#include <vergegrid/plugin_api/plugin.hpp>

#ifndef HELLO_PLACEMENT_VERSION
#define HELLO_PLACEMENT_VERSION "0.0.0"
#endif

namespace {

namespace api = vergegrid::plugin_api;

bool has_label(const api::SimulatorSnapshot& simulator, const std::string& label) {
    return std::find(simulator.labels.begin(), simulator.labels.end(), label) !=
           simulator.labels.end();
}

// Reads weight_cpu; a bad value throws ConfigError, which the host reports as
// "placement.hello.weight_cpu: <message>" without loading the policy.
double parse_weight_cpu(const api::ConfigSection& config) {
    const auto it = config.find("weight_cpu");
    if (it == config.end()) {
        return 0.5;
    }
    const std::string& text = it->second;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !(value >= 0.0) ||
        value > 1.0) {
        throw api::ConfigError("weight_cpu", "must be a number from 0 to 1, got '" + text + "'");
    }
    return value;
}

class HelloPlacement final : public api::PlacementPolicy {
  public:
    explicit HelloPlacement(double weight_cpu) : weight_cpu_(weight_cpu) {}

    // No mutable state: safe to call from many threads at once, as the contract requires. The
    // engine calls it only for a simulator that passed its hard rules (placement.hpp), so there
    // is nothing left to refuse here; a policy with rules of its own returns its reason.
    std::optional<std::string> filter(const api::RegionNeeds&,
                                      const api::SimulatorSnapshot&) const override {
        return std::nullopt;
    }

    double score(const api::RegionNeeds& region,
                 const api::SimulatorSnapshot& simulator) const override {
        // capacity 0: the simulator declared none (the engine's max_regions alone limits it):
        // count its slots as free.
        const double free_slots =
            simulator.capacity <= 0
                ? 1.0
                : 1.0 - static_cast<double>(simulator.region_count) / simulator.capacity;
        const double load =
            weight_cpu_ * simulator.cpu_load + (1.0 - weight_cpu_) * simulator.memory_load;
        const double free_load = 1.0 - std::clamp(load, 0.0, 1.0);
        double preferred = 0.0;
        for (const auto& label : region.preferred_labels) {
            if (has_label(simulator, label)) {
                preferred += 0.1;
            }
        }
        return free_slots + free_load + preferred;
    }

  private:
    const double weight_cpu_;
};

api::PluginObject* create(const api::HostContext& host) {
    const double weight_cpu = parse_weight_cpu(host.config);
    if (host.logger) {
        char line[96];
        std::snprintf(line, sizeof line,
                      "hello placement ready: least-loaded first, weight_cpu=%.2f", weight_cpu);
        host.logger->info(line);
    }
    return new HelloPlacement(weight_cpu);
}

// The keys this plugin accepts in its [placement.hello] section; null-terminated.
constexpr const char* kConfigKeys[] = {"weight_cpu", nullptr};

constexpr api::PluginDescriptor kDescriptor{
    .struct_size = sizeof(api::PluginDescriptor),
    .abi_major = api::kAbiMajor,  // the ABI of the SDK headers this plugin was compiled with
    .abi_minor = api::kAbiMinor,
    .kind = "placement",
    .name = "hello",
    .version = HELLO_PLACEMENT_VERSION,
    .summary =
        "Example: the least-loaded simulator the engine lets through, preferred labels first",
    .config_keys = kConfigKeys,
    .create = &create,
};

const api::PluginDescriptor* descriptor() {
    return &kDescriptor;
}

}  // namespace

// The plugin's one exported symbol.
VERGEGRID_PLUGIN(descriptor)
