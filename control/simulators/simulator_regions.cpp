#include "control/simulators/simulator_regions.hpp"

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "kernel/http/api_error.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

void require_own_region(plugin_api::StorageTransaction& tx, const std::string& simulator_id,
                        const std::string& region_id, const std::string& field) {
    using kernel::http::ApiError;
    if (!uuid_text::is_canonical(region_id)) {
        throw ApiError::invalid_field(field, "must be a region id (UUID)");
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
    throw ApiError(403, "not_your_region", "region '" + region_id + "' is not on this simulator",
                   field);
}

}  // namespace vergegrid::control
