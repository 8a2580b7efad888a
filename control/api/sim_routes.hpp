// The simulator's own side of the simulators API (/api/v1/sim/): its one-time registration, its
// own key rotation, heartbeats and repair reports. The pull channel is operation_routes.
#pragma once

#include <memory>

#include "control/simulators/simulator_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_sim_routes(kernel::http::Router& router,
                    const std::shared_ptr<SimulatorService>& simulators);

}  // namespace vergegrid::control
