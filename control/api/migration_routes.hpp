// Region migrations over HTTP (docs/api.md "Migrations"): a region's move with its content, the
// moves themselves (list, show, cancel), the drain and evacuation of a simulator as batches, and
// the rebalance of the grid. Parsing and rendering only; the rules are MigrationService's.
#pragma once

#include <memory>

#include "control/migrations/migration_service.hpp"
#include "control/regions/region_placement_service.hpp"
#include "control/simulators/simulator_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

struct MigrationRouteServices {
    std::shared_ptr<const MigrationService> migrations;
    // A drain without "execute" answers today's plan (cordon + where each region would go).
    std::shared_ptr<const RegionPlacementService> placements;
    // An executed drain answers with the simulator as the drain left it (cordoned).
    std::shared_ptr<const SimulatorService> simulators;
};

// POST /regions/{id}/move, /migrations[/{id}[/cancel]], POST /simulators/{id}/drain and
// /evacuate, /migration-batches[/{id}[/cancel]], POST /placement/rebalance.
void add_migration_routes(kernel::http::Router& router, MigrationRouteServices services);

}  // namespace vergegrid::control
