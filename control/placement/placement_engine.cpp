#include "control/placement/placement_engine.hpp"

#include <cstdio>
#include <optional>

#include "control/domain/simulator_state.hpp"
#include "control/placement/ruled_policy.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

namespace {

std::string score_text(double score) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", score);
    return text;
}

std::string range_text(PortRange ports) {
    return std::to_string(ports.low) + "-" + std::to_string(ports.high);
}

// The port the region gets on the simulator's host, or the reason there is none.
std::optional<std::string> port_refusal(const GridState& state, const api::SimulatorSnapshot& s,
                                        const PlacementRequest& request, PortRange ports,
                                        int& port) {
    if (request.port != 0) {
        if (state.port_used(s.hostname, request.port)) {
            return "port " + std::to_string(request.port) + " is taken on host " + s.hostname;
        }
        port = request.port;
        return std::nullopt;
    }
    port = state.free_port(s.hostname, ports.low, ports.high);
    if (port == 0) {
        return "no free port in " + range_text(ports) + " on host " + s.hostname;
    }
    return std::nullopt;
}

// The plugin behind the hard rules: what every simulator goes through before ports.
struct Rules {
    const api::PlacementPolicy& plugin;
    const HardLimits& limits;

    std::optional<std::string> refusal(const api::RegionNeeds& region,
                                       const api::SimulatorSnapshot& simulator) const {
        if (auto why = hard_refusal(limits, region, simulator)) {
            return why;
        }
        return plugin.filter(region, simulator);
    }
};

Decision refused(std::map<std::string, std::string> refusals, std::string summary) {
    Decision decision;
    decision.refusals = std::move(refusals);
    decision.summary = std::move(summary);
    return decision;
}

Decision pinned(const Rules& rules, const std::string& policy_name, const GridState& state,
                const PlacementRequest& request, PortRange ports) {
    const auto* simulator = state.find_simulator(request.pin);
    if (simulator == nullptr) {
        return refused({{request.pin, "no simulator with this id"}},
                       "the pinned simulator does not exist");
    }
    if (parse_simulator_state(simulator->state) == SimulatorState::revoked) {
        return refused({{request.pin, "simulator is revoked: it takes no regions, forced or not"}},
                       "the pinned simulator is revoked");
    }
    Decision decision;
    const auto why = rules.refusal(request.needs, *simulator);
    if (why && !request.force) {
        return refused({{request.pin, *why}}, "the pinned simulator cannot take the region: " +
                                                  *why + " (\"force\": true overrides)");
    }
    int port = 0;
    if (auto no_port = port_refusal(state, *simulator, request, ports, port)) {
        return refused({{request.pin, *no_port}}, "the pinned simulator has no port: " + *no_port);
    }
    decision.placed = true;
    decision.simulator_id = simulator->id;
    decision.host = simulator->hostname;
    decision.port = port;
    decision.score = why ? 0.0 : rules.plugin.score(request.needs, *simulator);
    decision.reasons.push_back("pinned to simulator " + simulator->id);
    if (why) {
        decision.reasons.push_back("forced despite: " + *why);
    } else {
        decision.reasons.push_back(policy_name + " accepts it (score " +
                                   score_text(decision.score) + ")");
    }
    decision.summary = decision.reasons.front();
    return decision;
}

// The simulator the policy ranks best among those the rules and ports let through.
struct Best {
    const api::SimulatorSnapshot* simulator = nullptr;
    double score = 0.0;
    int port = 0;
    int neighbours = 0;  // map neighbours of the region it holds (affinity)
    int fitting = 0;     // simulators that passed
};

std::map<std::string, int> neighbours_of(const GridState& state, const PlacementRequest& request) {
    std::map<std::string, int> neighbours;
    if (request.affinity) {
        for (const auto& [id, count] : state.neighbour_simulators(
                 request.loc_x, request.loc_y, request.needs.size_x, request.needs.size_y)) {
            neighbours[id] = count;
        }
    }
    return neighbours;
}

// Every simulator through the rules, the policy's filter() and ports (each refusal recorded), the
// rest scored; affinity first (more neighbours wins), then the score, then the lowest id.
Best best_of(const Rules& rules, const GridState& state, const PlacementRequest& request,
             PortRange ports, std::map<std::string, std::string>& refusals) {
    const auto neighbours_by_simulator = neighbours_of(state, request);
    Best best;
    for (const auto& simulator : state.simulators()) {  // by id: the first of equals wins
        if (simulator.id == request.avoid) {
            refusals.emplace(simulator.id, "the region is moving away from this simulator");
            continue;
        }
        if (auto why = rules.refusal(request.needs, simulator)) {
            refusals.emplace(simulator.id, std::move(*why));
            continue;
        }
        int port = 0;
        if (auto no_port = port_refusal(state, simulator, request, ports, port)) {
            refusals.emplace(simulator.id, std::move(*no_port));
            continue;
        }
        ++best.fitting;
        const double score = rules.plugin.score(request.needs, simulator);
        const auto it = neighbours_by_simulator.find(simulator.id);
        const int neighbours = it == neighbours_by_simulator.end() ? 0 : it->second;
        if (best.simulator == nullptr || neighbours > best.neighbours ||
            (neighbours == best.neighbours && score > best.score)) {
            best = {&simulator, score, port, neighbours, best.fitting};
        }
    }
    return best;
}

// The decision for `best`, with the reasons an operator reads.
Decision chosen(const Best& best, const std::string& policy_name, const GridState& state,
                const PlacementRequest& request, PortRange ports) {
    Decision decision;
    decision.placed = true;
    decision.simulator_id = best.simulator->id;
    decision.host = best.simulator->hostname;
    decision.port = best.port;
    decision.score = best.score;
    decision.reasons.push_back(policy_name + " ranks simulator " + best.simulator->id +
                               " best (score " + score_text(best.score) + ") of " +
                               std::to_string(best.fitting) + " that fit, out of " +
                               std::to_string(state.simulators().size()));
    if (best.neighbours > 0) {
        decision.reasons.push_back("affinity: it holds " + std::to_string(best.neighbours) +
                                   " map neighbour(s) of the region");
    }
    decision.reasons.push_back(
        "port " + std::to_string(best.port) + " on host " + best.simulator->hostname +
        (request.port != 0 ? " (asked for)" : " (lowest free in " + range_text(ports) + ")"));
    decision.summary = decision.reasons.front();
    return decision;
}

}  // namespace

Decision decide(const api::PlacementPolicy& policy, const std::string& policy_name,
                const GridState& state, const PlacementRequest& request, PortRange ports) {
    const RuledView view = ruled_view(policy);
    return decide(*view.plugin, view.limits, policy_name, state, request, ports);
}

std::optional<std::string> placement_refusal(const api::PlacementPolicy& policy,
                                             const api::RegionNeeds& region,
                                             const api::SimulatorSnapshot& simulator) {
    const RuledView view = ruled_view(policy);
    return Rules{*view.plugin, view.limits}.refusal(region, simulator);
}

Decision decide(const api::PlacementPolicy& plugin, const HardLimits& limits,
                const std::string& policy_name, const GridState& state,
                const PlacementRequest& request, PortRange ports) {
    const Rules rules{plugin, limits};
    if (!request.pin.empty()) {
        return pinned(rules, policy_name, state, request, ports);
    }
    std::map<std::string, std::string> refusals;
    const Best best = best_of(rules, state, request, ports, refusals);
    if (best.simulator == nullptr) {
        std::string summary = state.simulators().empty()
                                  ? "no simulator is registered"
                                  : "none of the " + std::to_string(state.simulators().size()) +
                                        " simulators can take the region";
        return refused(std::move(refusals), std::move(summary));
    }
    Decision decision = chosen(best, policy_name, state, request, ports);
    decision.refusals = std::move(refusals);
    return decision;
}

PlacedRegion reserved_region(const Decision& decision, const std::string& uuid,
                             const std::string& name, int loc_x, int loc_y, int size_x,
                             int size_y) {
    return {uuid,   name,  decision.simulator_id, decision.host, decision.port, loc_x, loc_y,
            size_x, size_y};
}

}  // namespace vergegrid::control
