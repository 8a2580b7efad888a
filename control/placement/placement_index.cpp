#include "control/placement/placement_index.hpp"

#include <algorithm>
#include <cstdio>

#include "control/placement/ruled_policy.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

namespace {

std::string label_set(std::vector<std::string> labels) {
    std::sort(labels.begin(), labels.end());
    std::string key;
    for (const auto& label : labels) {
        key += label;
        key += '\n';
    }
    return key;
}

// The plugin behind a ruled policy (an IndexedPlacementPolicy whenever the ruled one is), and
// the limits it runs under.
const api::IndexedPlacementPolicy& plugin_of(const api::IndexedPlacementPolicy& policy) {
    const auto* plugin =
        dynamic_cast<const api::IndexedPlacementPolicy*>(ruled_view(policy).plugin);
    return plugin != nullptr ? *plugin : policy;
}

}  // namespace

PlacementIndex::PlacementIndex(const api::IndexedPlacementPolicy& policy, std::string policy_name,
                               GridState& state, PortRange ports)
    : PlacementIndex(plugin_of(policy), ruled_view(policy).limits, std::move(policy_name), state,
                     ports) {}

PlacementIndex::PlacementIndex(const api::IndexedPlacementPolicy& plugin, const HardLimits& limits,
                               std::string policy_name, GridState& state, PortRange ports)
    : policy_(&plugin),
      limits_(limits),
      policy_name_(std::move(policy_name)),
      state_(&state),
      ports_(ports) {
    rebuild();
}

void PlacementIndex::rebuild() {
    state_->take_simulator_changes();
    groups_.clear();
    const std::size_t count = state_->simulators().size();
    group_of_.assign(count, {});
    key_of_.assign(count, 0.0);
    ranked_.assign(count, false);
    for (std::size_t i = 0; i < count; ++i) {
        rank(i);
    }
}

void PlacementIndex::refresh() {
    auto changes = state_->take_simulator_changes();
    if (changes.all) {
        rebuild();
        return;
    }
    for (const auto position : changes.positions) {
        unrank(position);
        rank(position);
    }
}

void PlacementIndex::rank(std::size_t position) {
    const auto& simulator = state_->simulators()[position];
    if (closed_reason(limits_, simulator) || !policy_->open_for_regions(simulator)) {
        return;
    }
    group_of_[position] = label_set(simulator.labels);  // labels may have changed
    key_of_[position] = -policy_->simulator_score(simulator);
    auto& group = groups_[group_of_[position]];
    if (group.ranked.empty()) {
        group.labels = simulator.labels;
    }
    group.ranked.emplace(key_of_[position], position);
    ranked_[position] = true;
}

void PlacementIndex::unrank(std::size_t position) {
    if (!ranked_[position]) {
        return;
    }
    const auto group = groups_.find(group_of_[position]);
    group->second.ranked.erase({key_of_[position], position});
    if (group->second.ranked.empty()) {
        groups_.erase(group);
    }
    ranked_[position] = false;
}

Decision PlacementIndex::place(const PlacementRequest& request, const std::string& uuid) {
    refresh();
    const bool simple =
        request.pin.empty() && !request.affinity && request.avoid.empty() && request.port == 0;
    const auto& simulators = state_->simulators();
    Decision decision;
    if (simple) {
        const api::SimulatorSnapshot* best = nullptr;
        std::size_t best_position = 0;
        double best_score = 0.0;
        int best_port = 0;
        // ABI 1.4 extension; a policy built against older headers lacks it (its vtable has no
        // accepts_labels slot) and every label set's best simulators go through filter().
        const auto* label_aware = dynamic_cast<const api::LabelAwareIndexedPolicy*>(policy_);
        for (const auto& [key_text, group] : groups_) {
            if (!labels_accept(request.needs, group.labels) ||
                (label_aware != nullptr &&
                 !label_aware->accepts_labels(request.needs, group.labels))) {
                continue;
            }
            for (const auto& [key, position] : group.ranked) {
                const auto& simulator = simulators[position];
                // Ranked means closed_reason passed (re-ranked on every reservation) and the
                // group passed labels_accept: of the hard rules only this one is left.
                if (held_region_refusal(request.needs, simulator) ||
                    policy_->filter(request.needs, simulator)) {
                    continue;
                }
                const int port = state_->free_port(simulator.hostname, ports_.low, ports_.high);
                if (port == 0) {
                    continue;
                }
                const double score = policy_->score(request.needs, simulator);
                if (best == nullptr || score > best_score ||
                    (score == best_score && position < best_position)) {
                    best = &simulator;
                    best_position = position;
                    best_score = score;
                    best_port = port;
                }
                break;  // the first that fits is this group's best
            }
        }
        if (best != nullptr) {
            decision.placed = true;
            decision.simulator_id = best->id;
            decision.host = best->hostname;
            decision.port = best_port;
            decision.score = best_score;
            char score[32];
            std::snprintf(score, sizeof score, "%.4f", best_score);
            decision.reasons.push_back(policy_name_ + " ranks simulator " + best->id +
                                       " best (score " + score +
                                       ") of the open simulators (ranked index)");
            decision.reasons.push_back("port " + std::to_string(best_port) + " on host " +
                                       best->hostname + " (lowest free in " +
                                       std::to_string(ports_.low) + "-" +
                                       std::to_string(ports_.high) + ")");
            decision.summary = decision.reasons.front();
        }
    }
    if (!simple) {
        decision = decide(*policy_, limits_, policy_name_, *state_, request, ports_);
    } else if (!decision.placed) {
        decision.summary = "no simulator can take the region (indexed; a plan explains why)";
    }
    if (!decision.placed) {
        return decision;
    }
    reserve(reserved_region(decision, uuid, request.needs.region_name, request.loc_x, request.loc_y,
                            request.needs.size_x, request.needs.size_y));
    return decision;
}

void PlacementIndex::reserve(const PlacedRegion& region) {
    state_->add(region);
    refresh();
}

}  // namespace vergegrid::control
