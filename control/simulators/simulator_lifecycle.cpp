#include "control/simulators/simulator_lifecycle.hpp"

#include <string>

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {

// Operators' and drains' changes refuse a revoked simulator: revocation is final.
void refuse_revoked(SimulatorState from) {
    if (from == SimulatorState::revoked) {
        throw DomainError::conflict("revoked", "the simulator is revoked", "id");
    }
}

}  // namespace

SimulatorState next_state(SimulatorState from, SimulatorEvent event) {
    switch (event) {
        case SimulatorEvent::revoke:
            refuse_revoked(from);
            return SimulatorState::revoked;
        case SimulatorEvent::cordon:
            refuse_revoked(from);
            return SimulatorState::cordoned;
        case SimulatorEvent::drain:
            refuse_revoked(from);
            return from == SimulatorState::offline ? from : SimulatorState::cordoned;
        case SimulatorEvent::uncordon:
            refuse_revoked(from);
            if (from != SimulatorState::cordoned) {
                throw DomainError::conflict("invalid_state",
                                            "the simulator is " + std::string(to_string(from)) +
                                                ", not " +
                                                std::string(to_string(SimulatorState::cordoned)),
                                            "state");
            }
            return SimulatorState::online;
        case SimulatorEvent::heartbeat:
            return from == SimulatorState::registered || from == SimulatorState::offline
                       ? SimulatorState::online
                       : from;
        case SimulatorEvent::silence:
            return from == SimulatorState::online ? SimulatorState::offline : from;
    }
    return from;
}

SimulatorState state_of(const plugin_api::Simulator& simulator) {
    if (const auto state = parse_simulator_state(simulator.state)) {
        return *state;
    }
    throw DomainError(Fault::internal, "invalid_state",
                      "simulator '" + simulator.id + "' has an unknown stored state");
}

}  // namespace vergegrid::control
