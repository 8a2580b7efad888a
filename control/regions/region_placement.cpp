#include "control/regions/region_placement.hpp"

#include "control/common/extensions.hpp"
#include "control/common/region_fields.hpp"
#include "control/domain/domain_error.hpp"
#include "control/domain/simulator_state.hpp"
#include "control/placement/coordinate_allocator.hpp"
#include "control/regions/region_moving.hpp"

namespace vergegrid::control {

using plugin_api::Region;

namespace {

constexpr int kDefaultNear = 1000;  // OpenSim's customary grid centre
constexpr std::size_t kRefusalsInMessage = 5;

plugin_api::RegionNeeds needs_of(const Region& region) {
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

void check_pin_exists(const GridState& state, const std::string& pin) {
    const auto* simulator = state.find_simulator(pin);
    if (simulator == nullptr) {
        throw DomainError(Fault::unprocessable, "unknown_reference",
                          "no simulator with id '" + pin + "'", "placement.simulator_id");
    }
    if (simulator->state == to_string(SimulatorState::revoked)) {
        throw DomainError(Fault::conflict, "simulator_revoked",
                          "simulator '" + pin + "' is revoked", "placement.simulator_id");
    }
}

void choose_location(GridState& state, NewRegion& request, WorkBudget* budget) {
    Region& region = request.region;
    int x = kDefaultNear;
    int y = kDefaultNear;
    if (request.options.near) {
        std::tie(x, y) = *request.options.near;
    } else if (!request.options.near_region.empty()) {
        const auto* other = state.find_region(request.options.near_region);
        if (other == nullptr) {
            throw DomainError(Fault::unprocessable, "unknown_reference",
                              "no region named '" + request.options.near_region + "'",
                              "placement.near_region");
        }
        x = other->loc_x;
        y = other->loc_y;
    }
    const auto spot = nearest_free_footprint(state, x, y, region.size_x, region.size_y,
                                             kMaxGridCoordinate, budget);
    if (!spot) {
        throw DomainError(
            Fault::conflict, "no_free_footprint",
            "no free " + std::to_string(region.size_x) + "x" + std::to_string(region.size_y) +
                " m footprint within " + std::to_string(kMaxSearchRadius) + " regions of <" +
                std::to_string(x) + "," + std::to_string(y) + ">",
            request.options.near_region.empty() ? "placement.near" : "placement.near_region");
    }
    std::tie(region.loc_x, region.loc_y) = *spot;
}

}  // namespace

bool placement_reads_grid(const NewRegion& request) {
    return !request.given.location || !request.given.host ||
           !request.region.placement.simulator_id.empty();
}

Decision place_new_region(GridState& state, const ActivePolicy& active, PortRange ports,
                          NewRegion& request, PlacementIndex* index, WorkBudget* budget) {
    Region& region = request.region;
    if (!request.given.location) {
        choose_location(state, request, budget);
    }
    Decision decision;
    const std::string& pin = region.placement.simulator_id;
    if (pin.empty() && request.given.host) {
        decision.placed = true;
        decision.host = region.host;
        decision.port = region.port;
        decision.reasons.push_back("placed by hand: host and port given, on no simulator");
        decision.summary = decision.reasons.front();
    } else {
        if (!pin.empty()) {
            check_pin_exists(state, pin);
        }
        if (!active.policy) {
            throw DomainError(Fault::unavailable, "placement_unavailable",
                              "no placement policy is loaded: give host and port, or load a "
                              "placement plugin");
        }
        PlacementRequest ask;
        ask.needs = needs_of(region);
        ask.pin = pin;
        ask.force = request.options.force;
        ask.affinity = request.options.affinity;
        ask.port = request.given.port && !request.given.host ? region.port : 0;
        ask.loc_x = region.loc_x;
        ask.loc_y = region.loc_y;
        if (index != nullptr && pin.empty() && !ask.affinity && ask.port == 0) {
            decision = index->place(ask, region.uuid);  // reserves when placed
            if (!decision.placed) {
                // The fast path does not explain refusals; the exhaustive engine does.
                return decide(*active.policy, active.name, state, ask, ports);
            }
            region.placement.simulator_id = decision.simulator_id;
            region.host = decision.host;
            region.port = decision.port;
            return decision;
        }
        decision = decide(*active.policy, active.name, state, ask, ports);
        if (!decision.placed) {
            return decision;
        }
        region.placement.simulator_id = decision.simulator_id;
        if (request.given.host) {  // a pin with a host and port given by hand keeps them
            decision.host = region.host;
            decision.port = region.port;
        } else {
            region.host = decision.host;
            region.port = decision.port;
        }
    }
    const auto reserved = reserved_region(decision, region.uuid, region.name, region.loc_x,
                                          region.loc_y, region.size_x, region.size_y);
    if (index != nullptr) {
        index->reserve(reserved);
    } else {
        state.add(reserved);
    }
    return decision;
}

void throw_refusal(const Decision& decision, bool pinned) {
    std::string message = decision.summary;
    if (!pinned && !decision.refusals.empty()) {
        message += ":";
        std::size_t shown = 0;
        for (const auto& [simulator, why] : decision.refusals) {
            if (shown++ == kRefusalsInMessage) {
                message += " (and " +
                           std::to_string(decision.refusals.size() - kRefusalsInMessage) +
                           " more; POST /api/v1/placement/plan lists all)";
                break;
            }
            message += (shown == 1 ? " " : "; ") + simulator + ": " + why;
        }
    }
    throw DomainError(Fault::conflict, pinned ? "placement_refused" : "no_placement", message,
                      pinned ? "placement.simulator_id" : "placement");
}

void check_pin_change(Changes& changes, const PlacementService& placement, const Region* before,
                      const Region& after, bool force) {
    const auto& pin = after.placement.simulator_id;
    if (pin.empty() || (before != nullptr && before->placement.simulator_id == pin)) {
        return;
    }
    GridState& state = placement.grid_cache().lease(changes);
    check_pin_exists(state, pin);
    const auto active = placement.active();
    if (!active.policy) {
        return;  // no policy to ask: the pin stands on existence alone
    }
    if (before != nullptr) {
        state.remove(before->uuid);
    }
    PlacementRequest ask;
    ask.needs = needs_of(after);
    ask.pin = pin;
    ask.force = force;
    ask.port = after.port;
    // The region keeps its host and port on PATCH; only the policy's verdict matters here.
    const auto* simulator = state.find_simulator(pin);
    if (auto why = active.policy->filter(ask.needs, *simulator); why && !force) {
        throw DomainError(
            Fault::conflict, "placement_refused",
            "the pinned simulator cannot take the region: " + *why + " (\"force\": true overrides)",
            "placement.simulator_id");
    }
}

Decision plan_move(GridState& state, const PlacementService& placement, const Region& region,
                   const std::string& target, bool force) {
    const auto active = placement.require_active();
    if (!target.empty()) {
        check_pin_exists(state, target);
    }
    state.remove(region.uuid);
    PlacementRequest ask;
    ask.needs = needs_of(region);
    ask.pin = target;
    ask.force = force;
    ask.avoid = target.empty() ? region.placement.simulator_id : "";
    ask.loc_x = region.loc_x;
    ask.loc_y = region.loc_y;
    Decision decision = decide(*active.policy, active.name, state, ask, placement.ports());
    PlacedRegion stays = placed_region(region);
    if (decision.placed) {
        stays.simulator_id = decision.simulator_id;
        stays.host = decision.host;
        stays.port = decision.port;
    }
    state.add(stays);
    return decision;
}

}  // namespace vergegrid::control
