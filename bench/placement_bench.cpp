// placement_bench: the placement engine at grid scale. Builds S simulators with mixed labels,
// capacities, loads and states, then places N regions one by one with each policy through the
// engine's indexed fast path (control/placement/placement_index), timing every decision. On a
// sample it first asks the exhaustive engine (decide(): filter and score every simulator) and
// checks that both choose the same simulator and port. Reports decisions/s, p50/p99/max per
// decision, and the process's memory. Hand-run; figures in docs/benchmarks.md.
//
// The policies' code is compiled in (plugins/placement/rules, the same sources as the plugin
// modules) rather than loaded with dlopen: the calls are the same virtual calls either way.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_index.hpp"
#include "rules_policy.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace rules = vergegrid::placement_rules;
using namespace vergegrid::control;
using Clock = std::chrono::steady_clock;

struct Options {
    int simulators = 10'000;
    int regions = 100'000;
    int sample_every = 100;  // one reference check per this many decisions
    unsigned seed = 1;
    std::vector<std::string> policies{"basic-rules", "spread", "binpack"};
};

const std::vector<std::vector<std::string>> kLabelSets = {{},
                                                          {"main"},
                                                          {"main"},
                                                          {"main", "event"},
                                                          {"event"},
                                                          {"sandbox"},
                                                          {"main", "gpu"},
                                                          {"event", "gpu"},
                                                          {"sandbox", "eu"},
                                                          {"main", "eu"},
                                                          {"main", "us"},
                                                          {"event", "us"},
                                                          {"main", "event", "eu"}};
const std::vector<std::string> kWanted = {"main", "event", "sandbox", "gpu", "eu", "us"};

std::vector<api::Simulator> make_simulators(const Options& o) {
    std::mt19937 random(o.seed);
    std::vector<api::Simulator> simulators;
    simulators.reserve(o.simulators);
    for (int i = 0; i < o.simulators; ++i) {
        api::Simulator s;
        char id[40];
        std::snprintf(id, sizeof id, "sim-%06d", i);
        s.id = id;
        s.hostname = "host-" + std::to_string(i / 2) + ".bench.invalid";  // two per host
        s.labels = kLabelSets[random() % kLabelSets.size()];
        s.capacity = 8 + static_cast<int>(random() % 17);  // 8..24, about 16 on average
        s.cpu_load = (random() % 1000) / 1000.0;           // some above the 0.9 threshold
        s.memory_load = (random() % 1000) / 1000.0;
        const unsigned roll = random() % 100;
        s.state = roll < 2 ? "cordoned" : roll < 3 ? "offline" : "online";
        simulators.push_back(std::move(s));
    }
    return simulators;
}

std::vector<PlacementRequest> make_requests(const Options& o) {
    std::mt19937 random(o.seed + 1);
    std::vector<PlacementRequest> requests(o.regions);
    for (int i = 0; i < o.regions; ++i) {
        auto& r = requests[i];
        r.needs.region_name = "region-" + std::to_string(i);
        r.needs.size_x = r.needs.size_y = random() % 20 == 0 ? 512 : 256;
        const unsigned roll = random() % 100;
        if (roll < 30) {
            r.needs.required_labels = {kWanted[random() % kWanted.size()]};
        }
        if (roll >= 20 && roll < 50) {
            r.needs.preferred_labels = {kWanted[random() % kWanted.size()]};
        }
        if (roll >= 95 && i > 0) {
            r.needs.anti_affinity = {"region-" + std::to_string(random() % i)};
        }
        r.loc_x = i % 1000;
        r.loc_y = i / 1000;
    }
    return requests;
}

// CPU time of this thread: unlike wall time, not inflated when a busy machine preempts us.
double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

long status_kib(const char* key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key, 0) == 0) {
            return std::stol(line.substr(std::string(key).size()));
        }
    }
    return -1;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0.0;
    }
    const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<long>(k), values.end());
    return values[k];
}

rules::Ranking ranking_of(const std::string& name) {
    if (name == "spread") {
        return rules::Ranking::spread;
    }
    if (name == "binpack") {
        return rules::Ranking::binpack;
    }
    return rules::Ranking::balanced;
}

int run(const Options& o) {
    const auto simulators = make_simulators(o);
    const auto requests = make_requests(o);
    std::printf(
        "placement_bench: %d simulators, %d regions, reference check every %d decisions, "
        "seed %u\n",
        o.simulators, o.regions, o.sample_every, o.seed);
    int failures = 0;
    for (const auto& name : o.policies) {
        rules::RulesPolicy policy(ranking_of(name), rules::Thresholds{});
        const PortRange ports{9000, 9999};
        GridState state = GridState::from(simulators, {});
        const auto built = Clock::now();
        PlacementIndex index(policy, name, state, ports);
        const double index_ms =
            std::chrono::duration<double, std::milli>(Clock::now() - built).count();

        std::vector<double> micros;
        micros.reserve(requests.size());
        std::vector<double> reference_micros;
        int placed = 0;
        int refused = 0;
        int checked = 0;
        int mismatches = 0;
        double total_s = 0.0;
        double reference_cpu_s = 0.0;
        const double cpu_start = thread_cpu_seconds();
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const bool sample = o.sample_every > 0 && i % o.sample_every == 0;
            Decision reference;
            if (sample) {
                const double cpu0 = thread_cpu_seconds();
                const auto t0 = Clock::now();
                reference = decide(policy, name, state, requests[i], ports);
                reference_micros.push_back(
                    std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
                reference_cpu_s += thread_cpu_seconds() - cpu0;
            }
            const auto t0 = Clock::now();
            const Decision decision = index.place(requests[i], "u" + std::to_string(i));
            const auto elapsed = Clock::now() - t0;
            total_s += std::chrono::duration<double>(elapsed).count();
            micros.push_back(std::chrono::duration<double, std::micro>(elapsed).count());
            decision.placed ? ++placed : ++refused;
            if (sample) {
                ++checked;
                if (reference.placed != decision.placed ||
                    reference.simulator_id != decision.simulator_id ||
                    reference.port != decision.port) {
                    ++mismatches;
                    std::printf("  MISMATCH at region %zu: reference %s:%d, fast path %s:%d\n", i,
                                reference.simulator_id.c_str(), reference.port,
                                decision.simulator_id.c_str(), decision.port);
                }
            }
        }
        const double fast_cpu_s = thread_cpu_seconds() - cpu_start - reference_cpu_s;
        std::printf("%-12s index built in %.1f ms; %d placed, %d refused\n", name.c_str(), index_ms,
                    placed, refused);
        std::printf("%-12s %.0f decisions/s by wall time, %.0f per CPU second (%.2f s CPU)\n", "",
                    static_cast<double>(requests.size()) / total_s,
                    static_cast<double>(requests.size()) / fast_cpu_s, fast_cpu_s);
        std::printf("%-12s per decision (wall): p50 %.1f us, p99 %.1f us, max %.1f us\n", "",
                    percentile(micros, 0.50), percentile(micros, 0.99),
                    *std::max_element(micros.begin(), micros.end()));
        std::printf("%-12s reference (exhaustive) p50 %.1f us on %d samples; %d mismatches\n", "",
                    percentile(reference_micros, 0.50), checked, mismatches);
        std::printf("%-12s memory: VmRSS %ld KiB, VmHWM %ld KiB\n", "", status_kib("VmRSS:"),
                    status_kib("VmHWM:"));
        failures += mismatches;
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"placement_bench: placement decisions at grid scale, fast path vs reference"};
    Options o;
    cli.add_option("--simulators", o.simulators, "simulators in the grid")
        ->check(CLI::Range(1, 1'000'000));
    cli.add_option("--regions", o.regions, "regions placed one by one, per policy")
        ->check(CLI::Range(1, 10'000'000));
    cli.add_option("--sample-every", o.sample_every,
                   "check one decision in this many against the exhaustive engine (0: none)")
        ->check(CLI::Range(0, 1'000'000));
    cli.add_option("--seed", o.seed, "random seed for the grid and the regions");
    cli.add_option("--policies", o.policies, "policies to run")->delimiter(',');
    CLI11_PARSE(cli, argc, argv);
    return run(o);
}
