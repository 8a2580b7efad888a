#include "control/api/sim_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/api/simulator_caller.hpp"
#include "control/api/simulator_messages.hpp"

namespace vergegrid::control {

using kernel::http::Request;
using kernel::http::Response;

void add_sim_routes(kernel::http::Router& router,
                    const std::shared_ptr<SimulatorService>& simulators) {
    router.add(
        "POST", "/api/v1/sim/register", Permission::anyone, [simulators](const Request& request) {
            return registered_response(
                simulators->register_simulator(request.request_id, read_registration(request)));
        });
    router.add(
        "POST", "/api/v1/sim/rotate-key", Permission::simulator,
        [simulators](const Request& request) {
            const auto caller = simulator_caller(request);
            // Before the body is read: an old key's holder learns nothing from its errors.
            require_current_key(caller);
            return rotated_key_response(simulators->rotate_own_key(caller, read_overlap(request)));
        });
    router.add("POST", "/api/v1/sim/heartbeat", Permission::simulator,
               [simulators](const Request& request) {
                   return heartbeat_response(
                       simulators->heartbeat(simulator_caller(request), read_heartbeat(request)));
               });
    // What a bridge repaired or found on its own (self-healing): one audit row per event,
    // action "simulator.repair", so operators see every repair where they see every change.
    router.add("POST", "/api/v1/sim/repairs", Permission::simulator,
               [simulators](const Request& request) {
                   const auto recorded =
                       simulators->record_repairs(simulator_caller(request), read_repairs(request));
                   return Response::json(200, {{"recorded", recorded}});
               });
}

}  // namespace vergegrid::control
