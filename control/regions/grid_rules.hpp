// The rules every stored region obeys, checked inside the writing transaction (which storage
// serialises with every other writer, so two requests cannot both pass them):
// the estate exists, the name is unique ignoring letter case, the footprint overlaps no other
// region on the grid map, and the port is unique on its host.
#pragma once

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Throws DomainError conflict (name_taken, overlap, port_taken) or unprocessable
// (unknown_reference, off_grid)
// naming the field.
void check_grid_rules(plugin_api::StorageTransaction& tx, const plugin_api::Region& region);

}  // namespace vergegrid::control
