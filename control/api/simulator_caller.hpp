// Who a request acts for, as the services take it: an Actor (any caller) or a SimulatorCaller (a
// simulator calling with its key, on the /api/v1/sim/ channel).
#pragma once

#include "control/domain/domain_event.hpp"
#include "control/simulators/simulator_caller.hpp"
#include "kernel/http/request.hpp"

namespace vergegrid::control {

Actor request_actor(const kernel::http::Request& request);
SimulatorCaller simulator_caller(const kernel::http::Request& request);

}  // namespace vergegrid::control
