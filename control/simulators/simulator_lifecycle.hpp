// The simulator state machine: which state each event leads to, and which events a state
// refuses. Every state change of a simulator, by an operator, a drain, its own heartbeat or the
// liveness check, goes through next_state(), so the rules live in one place:
//   revoke     any state but revoked -> revoked (final: a revoked simulator changes no more)
//   cordon     any state but revoked -> cordoned
//   drain      any state but revoked -> cordoned; offline stays offline (it takes nothing anyway)
//   uncordon   cordoned -> online only (a registered or offline one would look online without a
//              heartbeat, and placement would trust it)
//   heartbeat  registered, offline -> online; online and cordoned stay
//   silence    online -> offline (missed heartbeats); every other state stays
#pragma once

#include "control/domain/simulator_state.hpp"
#include "vergegrid/plugin_api/access_model.hpp"

namespace vergegrid::control {

enum class SimulatorEvent { revoke, cordon, drain, uncordon, heartbeat, silence };

// The state `event` leads to from `from`. Throws DomainError conflict "revoked" (field "id") for
// an operator's or a drain's change of a revoked simulator, "invalid_state" (field "state") for
// an uncordon of a simulator that is not cordoned.
SimulatorState next_state(SimulatorState from, SimulatorEvent event);

// The stored state of `simulator`. Throws DomainError internal for a state no version of the
// control plane writes.
SimulatorState state_of(const plugin_api::Simulator& simulator);

}  // namespace vergegrid::control
