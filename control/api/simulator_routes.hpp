// Simulators over HTTP: registration tokens (admin), one-time registration of a sim bridge, the
// simulators list, key rotation, revocation, cordon, and the simulator's heartbeat and repair
// reports. Parsing and rendering only; the rules are SimulatorService's.
#pragma once

#include <memory>

#include "control/simulators/simulator_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_simulator_routes(kernel::http::Router& router,
                          std::shared_ptr<SimulatorService> simulators);

}  // namespace vergegrid::control
