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
    std::map<std::string, int> neighbours_by_simulator;
    if (request.affinity) {
        for (const auto& [id, count] : state.neighbour_simulators(
                 request.loc_x, request.loc_y, request.needs.size_x, request.needs.size_y)) {
            neighbours_by_simulator[id] = count;
        }
    }
    std::map<std::string, std::string> refusals;
    const api::SimulatorSnapshot* best = nullptr;
    double best_score = 0.0;
    int best_port = 0;
    int best_neighbours = 0;
    int fitting = 0;
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
        ++fitting;
        const double score = plugin.score(request.needs, simulator);
        int neighbours = 0;
        if (auto it = neighbours_by_simulator.find(simulator.id);
            it != neighbours_by_simulator.end()) {
            neighbours = it->second;
        }
        // Affinity first (more neighbours on it wins), then the policy's score.
        const bool better = best == nullptr || neighbours > best_neighbours ||
                            (neighbours == best_neighbours && score > best_score);
        if (better) {
            best = &simulator;
            best_score = score;
            best_port = port;
            best_neighbours = neighbours;
        }
    }
    if (best == nullptr) {
        std::string summary = state.simulators().empty()
                                  ? "no simulator is registered"
                                  : "none of the " + std::to_string(state.simulators().size()) +
                                        " simulators can take the region";
        return refused(std::move(refusals), std::move(summary));
    }
    Decision decision;
    decision.placed = true;
    decision.simulator_id = best->id;
    decision.host = best->hostname;
    decision.port = best_port;
    decision.score = best_score;
    decision.reasons.push_back(policy_name + " ranks simulator " + best->id + " best (score " +
                               score_text(best_score) + ") of " + std::to_string(fitting) +
                               " that fit, out of " + std::to_string(state.simulators().size()));
    if (best_neighbours > 0) {
        decision.reasons.push_back("affinity: it holds " + std::to_string(best_neighbours) +
                                   " map neighbour(s) of the region");
    }
    decision.reasons.push_back(
        "port " + std::to_string(best_port) + " on host " + best->hostname +
        (request.port != 0 ? " (asked for)" : " (lowest free in " + range_text(ports) + ")"));
    decision.summary = decision.reasons.front();
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
