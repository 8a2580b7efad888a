#include "control/api/simulator_caller.hpp"

namespace vergegrid::control {

Actor request_actor(const kernel::http::Request& request) {
    return {request.caller.subject, request.request_id};
}

SimulatorCaller simulator_caller(const kernel::http::Request& request) {
    return {request.caller.simulator_id, request.caller.previous_key,
            request.header("authorization"), request.caller.subject, request.request_id};
}

}  // namespace vergegrid::control
