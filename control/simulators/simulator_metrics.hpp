// Every simulator's state, for GET /metrics: vergegrid_simulator_state{simulator, hostname, state}
// is 1 for the state the simulator is in (registered, online, offline, cordoned; revoked ones are
// left out), read from storage at each scrape, so that every replica of a cluster tells the same
// and an alert names the simulator that went offline.
#pragma once

#include <memory>

#include "control/simulators/simulator_service.hpp"
#include "kernel/metrics/registry.hpp"

namespace vergegrid::control {

// Adds the collector. It reads nothing once the service is gone (the control plane stopped).
void collect_simulator_states(kernel::metrics::Registry& registry,
                              std::weak_ptr<const SimulatorService> simulators);

}  // namespace vergegrid::control
