// Simulators: registration tokens (admin), one-time registration of a sim bridge, the
// simulators list, key rotation, revocation, cordon, and the simulator's heartbeat.
#pragma once

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/simulators/pending_keys.hpp"
#include "kernel/http/router.hpp"
#include "vergegrid/plugin_api/access_model.hpp"

namespace vergegrid::control {

struct SimulatorSettings {
    long registration_token_ttl_s = 3600;  // default; a request may ask for less or more
    long key_rotation_overlap_s = 300;     // the old key keeps working this long after a rotation
};

nlohmann::json simulator_to_json(const plugin_api::Simulator& simulator);
// `pending_keys` and `signals` must outlive the router.
void add_simulator_routes(kernel::http::Router& router, Store store, PendingKeys& pending_keys,
                          OperationSignals& signals, SimulatorSettings settings = {});

}  // namespace vergegrid::control
