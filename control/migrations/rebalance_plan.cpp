// How the rule of rebalance_plan.hpp reads in practice (POST /placement/rebalance, docs/api.md):
//   - source: a simulator that takes regions (online or registered) and is over its threshold:
//     the active policy refuses it one more region like its own, or it holds more than one region
//     above the mean share. While some simulator is more than one region *below* the mean (new
//     empty ones), the most loaded give too: otherwise 4,4,4 regions beside two new empty
//     simulators of 4 would stop at 3,3,3,2,1, with one simulator still far below the mean.
//   - a move is kept only when the sum of squared distances from the mean share strictly drops,
//     which also means no region ever goes back and forth. A simulator refused by the policy for
//     its loads alone (CPU, memory: measured by its bridge, not predicted here) gives up one
//     region per plan, to a simulator less loaded than it was, and the next rebalance sees the
//     effect.
//   - shares are regions over the region limit (capacity lowered by placement.max_regions); when
//     some simulator has no limit, plain counts are compared.
#include "control/migrations/rebalance_plan.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "control/placement/hard_rules.hpp"
#include "control/regions/region_placement.hpp"

namespace vergegrid::control {

namespace {

using plugin_api::SimulatorSnapshot;

// Floating-point shares: "strictly better" and "above" must not flip on rounding noise.
constexpr double kEpsilon = 1e-9;

// Takes regions: what the hard rules let a policy see (hard_rules.hpp), loads and counts aside. A
// cordoned simulator keeps its regions (a drain's business), an offline one cannot hand its
// content over (an evacuation's business): neither is a source or a target of a rebalance.
bool takes_regions(const SimulatorSnapshot& simulator) {
    return simulator.state == "online" || simulator.state == "registered";
}

// How the spread is measured: each simulator's share is its regions over its region limit. When
// some simulator has no limit at all, shares cannot be compared, and plain counts are (every
// simulator weighs one region per region).
class Spread {
  public:
    Spread(const GridState& state, const HardLimits& limits) {
        bool unlimited = false;
        for (const auto& simulator : state.simulators()) {
            if (takes_regions(simulator) && region_limit(limits, simulator) == kNoRegionLimit) {
                unlimited = true;
            }
        }
        for (const auto& simulator : state.simulators()) {
            if (takes_regions(simulator)) {
                weight_[simulator.id] = unlimited ? 1.0 : region_limit(limits, simulator);
            }
        }
    }

    bool counts(const std::string& simulator_id) const {
        const auto it = weight_.find(simulator_id);
        return it != weight_.end() && it->second > 0;
    }

    double share(const SimulatorSnapshot& simulator) const {
        return simulator.region_count / weight_.at(simulator.id);
    }

    // The grid's mean share: all regions of the simulators that take regions over all their room.
    double mean(const GridState& state) const {
        double regions = 0;
        double room = 0;
        for (const auto& simulator : state.simulators()) {
            if (counts(simulator.id)) {
                regions += simulator.region_count;
                room += weight_.at(simulator.id);
            }
        }
        return room > 0 ? regions / room : 0.0;
    }

    // More than one region above the mean share.
    bool above_mean(const GridState& state, const SimulatorSnapshot& simulator) const {
        const double weight = weight_.at(simulator.id);
        return simulator.region_count > mean(state) * weight + 1.0 + kEpsilon;
    }

    // More than one region below the mean share: it pulls regions from the most loaded.
    bool below_mean(const GridState& state, const SimulatorSnapshot& simulator) const {
        const double weight = weight_.at(simulator.id);
        return simulator.region_count < mean(state) * weight - 1.0 - kEpsilon;
    }

    bool any_below_mean(const GridState& state) const {
        for (const auto& simulator : state.simulators()) {
            if (counts(simulator.id) && below_mean(state, simulator)) {
                return true;
            }
        }
        return false;
    }

    // The sum of squared distances from the mean share: a move is worth making when it lowers it.
    double variance(const GridState& state) const {
        const double m = mean(state);
        double sum = 0;
        for (const auto& simulator : state.simulators()) {
            if (counts(simulator.id)) {
                const double d = share(simulator) - m;
                sum += d * d;
            }
        }
        return sum;
    }

  private:
    std::map<std::string, double> weight_;
};

plugin_api::RegionNeeds needs_like(const plugin_api::Region& region) {
    plugin_api::RegionNeeds needs;
    needs.region_id = region.uuid;
    needs.size_x = region.size_x;
    needs.size_y = region.size_y;
    needs.required_labels = region.placement.required_labels;
    needs.preferred_labels = region.placement.preferred_labels;
    needs.region_name = region.name;
    needs.anti_affinity = region.placement.anti_affinity;
    return needs;
}

struct Planner {
    GridState& state;
    const PlacementService& placement;
    const std::function<plugin_api::Region(const std::string&)>& region_of;
    const std::function<bool(const std::string&)>& moving;
    Spread spread;
    ActivePolicy active;
    // Simulators over the policy's limits but not by count already gave one region up in this
    // plan: their loads are measured by their bridges, not predicted here, so one region each
    // per rebalance, and the next rebalance sees what that did.
    std::set<std::string> relieved;

    // The regions of a simulator as the state holds them, by name (a deterministic order).
    std::vector<PlacedRegion> regions_on(const SimulatorSnapshot& simulator) const {
        std::vector<PlacedRegion> regions;
        for (const auto& name : simulator.region_names) {
            const auto* region = state.find_region(name);
            if (region != nullptr && region->simulator_id == simulator.id) {
                regions.push_back(*region);
            }
        }
        std::sort(regions.begin(), regions.end(),
                  [](const auto& a, const auto& b) { return a.name < b.name; });
        return regions;
    }

    // The active policy (hard rules first) refuses the simulator one more region like `region`.
    bool refused_by_policy(const SimulatorSnapshot& simulator,
                           const plugin_api::Region& region) const {
        return placement_refusal(*active.policy, needs_like(region), simulator).has_value();
    }

    // The simulators over their threshold, the most loaded first (ties: by id).
    std::vector<SimulatorSnapshot> sources() const {
        std::vector<SimulatorSnapshot> over;
        for (const auto& simulator : state.simulators()) {
            if (!spread.counts(simulator.id) || simulator.region_count == 0) {
                continue;
            }
            if (spread.above_mean(state, simulator) || !relieved.count(simulator.id)) {
                over.push_back(simulator);
            }
        }
        std::stable_sort(over.begin(), over.end(), [this](const auto& a, const auto& b) {
            return spread.share(a) > spread.share(b) + kEpsilon;
        });
        return over;
    }

    // One move off `source`, reserved in the state, or nullopt (the state as it was). `pull`: some
    // simulator is more than one region below the mean, so the most loaded give even when they
    // are within their own threshold (as long as the spread gets better).
    std::optional<RebalanceMove> move_off(const SimulatorSnapshot& source, bool pull) {
        const bool by_count = spread.above_mean(state, source) || pull;
        const double source_share = spread.share(source);
        for (const auto& placed : regions_on(source)) {
            if (moving(placed.uuid)) {
                continue;
            }
            const auto region = region_of(placed.uuid);
            const bool by_policy = refused_by_policy(source, region);
            if (!by_count && !by_policy) {
                return std::nullopt;  // within the thresholds: nothing to move off it
            }
            const double before = spread.variance(state);
            const auto decision = plan_move(state, placement, region, "", false);
            if (!decision.placed) {
                continue;
            }
            const auto* target = state.find_simulator(decision.simulator_id);
            const bool better =
                spread.variance(state) < before - kEpsilon ||
                (by_policy && !by_count && target != nullptr && spread.counts(target->id) &&
                 spread.share(*target) < source_share - kEpsilon);
            if (!better) {
                state.remove(region.uuid);
                state.add(placed_region(region));
                continue;
            }
            if (!by_count) {
                relieved.insert(source.id);
            }
            return RebalanceMove{region.uuid, region.name, source.id, decision.simulator_id,
                                 decision.reasons};
        }
        return std::nullopt;
    }
};

}  // namespace

std::vector<RebalanceMove> plan_rebalance(
    GridState& state, const PlacementService& placement,
    const std::function<plugin_api::Region(const std::string& uuid)>& region_of,
    const std::function<bool(const std::string& uuid)>& moving, int max_moves) {
    Planner planner{state,
                    placement,
                    region_of,
                    moving,
                    Spread(state, placement.limits()),
                    placement.require_active(),
                    {}};
    std::vector<RebalanceMove> moves;
    while (static_cast<int>(moves.size()) < max_moves) {
        std::optional<RebalanceMove> next;
        const bool pull = planner.spread.any_below_mean(state);
        for (const auto& source : planner.sources()) {
            if ((next = planner.move_off(source, pull))) {
                break;
            }
        }
        if (!next) {
            break;
        }
        moves.push_back(std::move(*next));
    }
    return moves;
}

}  // namespace vergegrid::control
