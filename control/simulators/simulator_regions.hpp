// Which regions a simulator may speak of in its heartbeats and repair reports: those the control
// plane placed on it, or once sent it (a region moved away or deleted runs there until the bridge
// applies the delete). Anything else would let one simulator count or audit another's regions.
#pragma once

#include <string>

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Throws DomainError invalid_field naming `field` when `region_id` is not a UUID, forbidden
// "not_your_region" naming it when the region is not the simulator's.
void require_own_region(plugin_api::StorageTransaction& tx, const std::string& simulator_id,
                        const std::string& region_id, const std::string& field);

}  // namespace vergegrid::control
