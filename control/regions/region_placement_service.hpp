// Placement over the stored grid, for regions that are not (or not yet) moved: a dry-run plan
// of new regions, and the drain of a simulator (cordon it, plan where each of its regions would
// go; moving them is RegionService::move, one by one, for now).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_service.hpp"
#include "vergegrid/plugin_api/access_model.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

// New regions as create requests describe them (validated like a create, against stored
// templates and estates). `batch`: given as {"regions": [...]}, so errors name "regions[i]".
struct PlanRegions {
    std::vector<nlohmann::json> regions;
    bool batch = false;
};

// Where one region of a plan would go. A region that cannot be placed for a reason of its own
// (a pin to nowhere, no free footprint) carries `failure`; the rest of the plan goes on.
struct PlannedRegion {
    struct Failure {
        std::string reason;
        std::string field;
    };
    std::string name;
    Decision decision;
    int loc_x = 0;
    int loc_y = 0;
    std::optional<Failure> failure;
};

struct Plan {
    std::string policy;
    std::vector<PlannedRegion> placements;
};

struct PlannedMove {
    plugin_api::Region region;
    Decision decision;
};

struct Drain {
    plugin_api::Simulator simulator;  // after the cordon
    std::string policy;
    std::vector<PlannedMove> moves;
};

class RegionPlacementService {
  public:
    // A plan may spend `plan_work_budget` units searching for free footprints
    // (placement.plan_work_budget).
    RegionPlacementService(Store store, std::shared_ptr<PlacementService> placement,
                           std::uint64_t plan_work_budget)
        : store_(std::move(store)),
          placement_(std::move(placement)),
          plan_work_budget_(plan_work_budget) {}

    // Writes nothing, whatever it finds; one policy snapshot for the whole batch. Throws
    // unprocessable "plan_too_large" when the work budget runs out.
    Plan plan(const PlanRegions& request) const;

    // Cordons the simulator (an offline one stays offline: it takes nothing anyway) and records
    // simulator.drain. Throws not_found, or conflict "revoked".
    Committed<Drain> drain(const Actor& actor, const std::string& simulator_id) const;

  private:
    Store store_;
    std::shared_ptr<PlacementService> placement_;
    std::uint64_t plan_work_budget_;
};

}  // namespace vergegrid::control
