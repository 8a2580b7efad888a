// The whole grid read from storage: the exhaustive reference every faster way of knowing it
// (GridCache) must agree with.
#pragma once

#include <string>
#include <unordered_map>

#include "control/placement/grid_state.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Every simulator, every region and every move's reservation, read through `tx`: the snapshot
// decisions are made on.
GridState load_grid_state(plugin_api::StorageTransaction& tx);
// The same, also listing the moves that hold a reservation, by migration id.
GridState load_grid_state(plugin_api::StorageTransaction& tx,
                          std::unordered_map<std::string, GridState::Reservation>& reservations);

// Whether the move holds its target's slot and port: it runs and has not switched yet (after the
// switch the region itself is on the target).
bool holds_reservation(const plugin_api::Migration& migration);

}  // namespace vergegrid::control
