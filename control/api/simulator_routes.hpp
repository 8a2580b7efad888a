// Simulators over HTTP, the operators' side: registration tokens (admin), the simulators list,
// key rotation by an admin, revocation, cordon; add_simulator_routes also adds the simulator's
// own side (sim_routes.hpp). Parsing and rendering only; the rules are SimulatorService's.
#pragma once

#include <memory>

#include "control/simulators/simulator_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_simulator_routes(kernel::http::Router& router,
                          std::shared_ptr<SimulatorService> simulators);

}  // namespace vergegrid::control
