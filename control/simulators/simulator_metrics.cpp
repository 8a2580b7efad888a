#include "control/simulators/simulator_metrics.hpp"

#include "control/domain/simulator_state.hpp"

namespace vergegrid::control {

void collect_simulator_states(kernel::metrics::Registry& registry,
                              std::weak_ptr<const SimulatorService> simulators) {
    auto& states = registry.gauge(
        "vergegrid_simulator_state",
        "1 for the state each simulator is in (registered, online, offline, cordoned); revoked "
        "simulators are left out",
        {"simulator", "hostname", "state"});
    registry.add_collector([&states, simulators = std::move(simulators)] {
        const auto service = simulators.lock();
        if (!service) {
            return;
        }
        // Storage that does not answer leaves no series rather than the last scrape's states:
        // the readiness metric says why.
        states.clear();
        for (const auto& simulator : service->list()) {
            if (simulator.state == to_string(SimulatorState::revoked)) {
                continue;
            }
            states.with({simulator.id, simulator.hostname, simulator.state}).set(1);
        }
    });
}

}  // namespace vergegrid::control
