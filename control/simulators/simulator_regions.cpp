#include "control/simulators/simulator_regions.hpp"

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/domain/domain_error.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

void require_own_region(plugin_api::StorageTransaction& tx, const std::string& simulator_id,
                        const std::string& region_id, const std::string& field) {
    if (!uuid_text::is_canonical(region_id)) {
        throw DomainError::invalid_field(field, "must be a region id (UUID)");
    }
    if (const auto region = tx.find_region(region_id);
        region && region->placement.simulator_id == simulator_id) {
        return;
    }
    plugin_api::OperationFilter sent;
    sent.simulator_id = simulator_id;
    sent.region_uuid = region_id;
    if (!operation_store(tx).list_operations(sent, 0, 1).empty()) {
        return;
    }
    throw DomainError(Fault::forbidden, "not_your_region",
                      "region '" + region_id + "' is not on this simulator", field);
}

}  // namespace vergegrid::control
