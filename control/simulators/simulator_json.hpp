// A simulator as clients and the audit trail see it: never its key hashes. The simulator events'
// before/after are this document, so audit rows show what GET /api/v1/simulators/{id} shows.
#pragma once

#include <nlohmann/json.hpp>

#include "vergegrid/plugin_api/access_model.hpp"

namespace vergegrid::control {

nlohmann::json simulator_to_json(const plugin_api::Simulator& simulator);
// As the API shows it: plus "state_detail", what its bridge last reported wrong ("" = nothing).
nlohmann::json simulator_to_json(const plugin_api::Simulator& simulator,
                                 const std::string& state_detail);

}  // namespace vergegrid::control
