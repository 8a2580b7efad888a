#include "control/api/simulator_caller.hpp"

namespace vergegrid::control {

SimulatorCaller simulator_caller(const kernel::http::Request& request) {
    return {request.caller.simulator_id, request.caller.previous_key,
            request.header("authorization"), request.caller.subject, request.request_id};
}

}  // namespace vergegrid::control
