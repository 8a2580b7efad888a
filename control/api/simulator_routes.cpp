#include "control/api/simulator_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/api/sim_routes.hpp"
#include "control/api/simulator_caller.hpp"
#include "control/api/simulator_messages.hpp"
#include "control/simulators/simulator_json.hpp"

namespace vergegrid::control {

using kernel::http::Request;
using kernel::http::Response;

namespace {

using StateChange = plugin_api::Simulator (SimulatorService::*)(const Actor&, const std::string&);

// POST /api/v1/simulators/{id}/<verb>: one state change of the state machine.
kernel::http::Handler state_change(std::shared_ptr<SimulatorService> simulators,
                                   StateChange change) {
    return [simulators, change](const Request& request) {
        const auto after =
            ((*simulators).*change)(request_actor(request), request.path_params.at("id"));
        return Response::json(200, simulator_to_json(after, simulators->state_detail(after.id)));
    };
}

// The operator's side: tokens, the list, rotation by an admin, the state changes.
void add_operator_routes(kernel::http::Router& router,
                         const std::shared_ptr<SimulatorService>& simulators) {
    router.add("POST", "/api/v1/simulators/registration-tokens", Permission::admin,
               [simulators](const Request& request) {
                   return registration_token_response(simulators->create_registration_token(
                       request_actor(request), read_new_registration_token(request)));
               });
    router.add("GET", "/api/v1/simulators", Permission::read, [simulators](const Request&) {
        return simulators_response(simulators->list(), *simulators);
    });
    router.add("GET", "/api/v1/simulators/{id}", Permission::read,
               [simulators](const Request& request) {
                   const auto& id = request.path_params.at("id");
                   return Response::json(
                       200, simulator_to_json(simulators->get(id), simulators->state_detail(id)));
               });
    router.add(
        "POST", "/api/v1/simulators/{id}/rotate-key", Permission::admin,
        [simulators](const Request& request) {
            return rotated_key_response(simulators->rotate_key(
                request_actor(request), request.path_params.at("id"), read_overlap(request)));
        });
    router.add("POST", "/api/v1/simulators/{id}/revoke", Permission::admin,
               state_change(simulators, &SimulatorService::revoke));
    router.add("POST", "/api/v1/simulators/{id}/cordon", Permission::write,
               state_change(simulators, &SimulatorService::cordon));
    router.add("POST", "/api/v1/simulators/{id}/uncordon", Permission::write,
               state_change(simulators, &SimulatorService::uncordon));
}

}  // namespace

void add_simulator_routes(kernel::http::Router& router,
                          std::shared_ptr<SimulatorService> simulators) {
    add_operator_routes(router, simulators);
    add_sim_routes(router, simulators);
}

}  // namespace vergegrid::control
