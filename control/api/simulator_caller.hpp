// A simulator calling with its key on the /api/v1/sim/ channel, as the services take it (any
// other caller is an Actor: request_actor.hpp).
#pragma once

#include "control/api/request_actor.hpp"
#include "control/simulators/simulator_caller.hpp"
#include "kernel/http/request.hpp"

namespace vergegrid::control {

SimulatorCaller simulator_caller(const kernel::http::Request& request);

}  // namespace vergegrid::control
