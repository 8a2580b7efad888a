#include "control/regions/region_placement_service.hpp"

#include "control/common/extensions.hpp"
#include "control/domain/simulator_state.hpp"
#include "control/placement/placement_index.hpp"
#include "control/placement/work_budget.hpp"
#include "control/regions/new_region.hpp"
#include "control/regions/region_placement.hpp"
// simulator_to_json: the simulator as its events carry it.
#include "control/simulators/simulator_json.hpp"
#include "control/simulators/simulator_service.hpp"

namespace vergegrid::control {

using plugin_api::StorageTransaction;

namespace {

constexpr int kRegionPage = 500;

// One region of a plan: where it would go, reserved in `state` for the regions after it.
PlannedRegion plan_one(StorageTransaction& tx, GridState& state, const ActivePolicy& active,
                       PortRange ports, PlacementIndex* ranked, WorkBudget& budget,
                       const nlohmann::json& spec, const std::string& path, std::size_t index) {
    NewRegion fresh = read_new_region(tx, spec, path);
    fresh.region.uuid = "plan-" + std::to_string(index);  // never stored
    PlannedRegion planned;
    planned.name = fresh.region.name;
    try {
        planned.decision = place_new_region(state, active, ports, fresh, ranked, &budget);
        planned.loc_x = fresh.region.loc_x;
        planned.loc_y = fresh.region.loc_y;
    } catch (const DomainError& e) {
        if (e.fault() == Fault::unavailable || e.fault() == Fault::internal) {
            throw;
        }
        // A pin to nowhere, no free footprint: this region cannot be placed; the rest may.
        planned.failure = PlannedRegion::Failure{e.what(), e.field()};
    }
    return planned;
}

// The answer to a plan that ran out of budget: what made it too big, and what to do about it.
[[noreturn]] void throw_plan_too_large(std::uint64_t budget, std::size_t planned,
                                       std::size_t requested, bool batch) {
    throw DomainError(
        Fault::unprocessable, "plan_too_large",
        "the plan needs more than the " + std::to_string(budget) +
            " units of work (candidate positions and map cells) placement.plan_work_budget "
            "allows; it ran out after " +
            std::to_string(planned) + " of " + std::to_string(requested) +
            " region(s): plan fewer or smaller regions at once, or give their loc_x/loc_y",
        batch ? "regions" : "size_x");
}

// Where each region on `simulator_id` would go, away from it.
std::vector<PlannedMove> plan_moves_off(StorageTransaction& tx, const PlacementService& placement,
                                        const std::string& simulator_id) {
    GridState state = load_grid_state(tx);
    std::vector<PlannedMove> moves;
    std::string after_name;
    for (;;) {
        const auto page = tx.list_regions({}, after_name, kRegionPage);
        for (const auto& region : page) {
            if (region.placement.simulator_id == simulator_id) {
                moves.push_back({region, plan_move(state, placement, region, "", false)});
            }
        }
        if (page.size() < static_cast<std::size_t>(kRegionPage)) {
            break;
        }
        after_name = page.back().name;
    }
    return moves;
}

}  // namespace

Plan RegionPlacementService::plan(const PlanRegions& request) const {
    WorkBudget budget(plan_work_budget_);
    const auto active = placement_->active();
    return store_.read([&](StorageTransaction& tx) {
        GridState state = load_grid_state(tx);
        // A batch of many regions uses the ranked fast path when the policy offers it.
        std::unique_ptr<PlacementIndex> ranked;
        const auto* indexed =
            dynamic_cast<const plugin_api::IndexedPlacementPolicy*>(active.policy.get());
        if (indexed != nullptr && request.batch) {
            ranked =
                std::make_unique<PlacementIndex>(*indexed, active.name, state, placement_->ports());
        }
        Plan plan{active.name, {}};
        try {
            for (std::size_t i = 0; i < request.regions.size(); ++i) {
                const std::string path = request.batch ? "regions[" + std::to_string(i) + "]" : "";
                plan.placements.push_back(plan_one(tx, state, active, placement_->ports(),
                                                   ranked.get(), budget, request.regions[i], path,
                                                   i));
            }
        } catch (const WorkBudgetExhausted&) {
            throw_plan_too_large(plan_work_budget_, plan.placements.size(), request.regions.size(),
                                 request.batch);
        }
        return plan;
    });
}

Committed<Drain> RegionPlacementService::drain(const Actor& actor,
                                               const std::string& simulator_id) const {
    return store_.command(actor, [&](Changes& changes) {
        const auto after = drain_simulator(changes, simulator_id);
        return Drain{after, placement_->active().name,
                     plan_moves_off(changes.tx(), *placement_, simulator_id)};
    });
}

}  // namespace vergegrid::control
