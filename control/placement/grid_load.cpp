#include "control/placement/grid_load.hpp"

#include <nlohmann/json.hpp>

#include "control/common/extensions.hpp"

namespace vergegrid::control {

GridState load_grid_state(plugin_api::StorageTransaction& tx) {
    std::unordered_map<std::string, GridState::Reservation> reservations;
    return load_grid_state(tx, reservations);
}

GridState load_grid_state(plugin_api::StorageTransaction& tx,
                          std::unordered_map<std::string, GridState::Reservation>& reservations) {
    reservations.clear();
    std::vector<PlacedRegion> regions;
    if (auto* grid = grid_store(tx)) {
        regions = grid->list_region_footprints();
    } else {
        // A storage plugin built before ABI 1.3: whole regions, a page at a time.
        constexpr int kRegionPage = 1000;
        std::string after;
        for (;;) {
            const auto page = tx.list_regions({}, after, kRegionPage);
            for (const auto& region : page) {
                regions.push_back(placed_region(region));
            }
            if (static_cast<int>(page.size()) < kRegionPage) {
                break;
            }
            after = page.back().name;
        }
    }
    GridState state = GridState::from(access_store(tx).list_simulators(), regions);
    // A move holds its target's slot and port from its start to its switch (docs/migration.md).
    if (auto* ledger = dynamic_cast<plugin_api::MigrationLedger*>(&tx)) {
        for (const auto& migration : ledger->list_active_migrations()) {
            if (holds_reservation(migration)) {
                state.reserve(migration.target_simulator_id, migration.target_host,
                              migration.target_port);
                reservations[migration.id] = {migration.target_simulator_id, migration.target_host,
                                              migration.target_port};
            }
        }
    }
    return state;
}

bool holds_reservation(const plugin_api::Migration& migration) {
    if (migration.state != "running" || migration.target_simulator_id.empty()) {
        return false;
    }
    const auto detail = nlohmann::json::parse(migration.detail, nullptr, false);
    return !(detail.is_object() && detail.contains("switched_at"));
}

}  // namespace vergegrid::control
