// Placement applied to regions: completes a new region (map position, simulator, host, port)
// on a GridState, checks a new pin, and decides plans and moves. Used inside the transaction
// that writes the region, so the state it reads cannot change under it.
#pragma once

#include "control/placement/grid_cache.hpp"
#include "control/placement/grid_load.hpp"
#include "control/placement/grid_state.hpp"
#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_index.hpp"
#include "control/placement/placement_service.hpp"
#include "control/placement/work_budget.hpp"
#include "control/regions/new_region.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Whether place_new_region looks at the grid for `request`: choosing a location or a simulator
// does; a region placed by hand (host and port given, no pin) at a given location does not, and
// then need not pay for load_grid_state, which reads every region.
bool placement_reads_grid(const NewRegion& request);

// Where a new region goes. Fills region.loc_x/loc_y when not given (nearest free footprint to
// options.near, next to options.near_region, or to <1000,1000>), then its simulator, host and
// port: a pin is checked by the policy (refused unless forced); no pin and no host means the
// policy chooses; a host given by hand keeps the region off every simulator. A placed region is
// reserved in `state` (through `index` when given: a batch's ranked fast path over the same
// state and policy). `active` is the caller's policy snapshot, one for a whole batch. Throws
// DomainError for an unknown pin (unprocessable), a revoked one (conflict), no policy loaded
// (unavailable) and no free footprint (conflict); a refusal comes back as !decision.placed. With
// a `budget`, the search for a free footprint spends it (see work_budget.hpp) and may throw
// WorkBudgetExhausted.
Decision place_new_region(GridState& state, const ActivePolicy& active, PortRange ports,
                          NewRegion& request, PlacementIndex* index = nullptr,
                          WorkBudget* budget = nullptr);

// The DomainError (conflict) a create answers a refusal with, naming the pin or "placement".
[[noreturn]] void throw_refusal(const Decision& decision, bool pinned);

// A pin set or changed by PATCH: the policy must accept the simulator unless `force`.
void check_pin_change(Changes& changes, const PlacementService& placement,
                      const plugin_api::Region* before, const plugin_api::Region& after,
                      bool force);

// Re-placement of a stored region: onto `target` (checked like a pin) or, when empty, wherever
// the policy puts it away from its current simulator. Removes the region from `state` first.
Decision plan_move(GridState& state, const PlacementService& placement,
                   const plugin_api::Region& region, const std::string& target, bool force);

}  // namespace vergegrid::control
