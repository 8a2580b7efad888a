// Who a command is for: the authenticated caller of an HTTP request, under its request id.
#pragma once

#include "control/domain/domain_event.hpp"
#include "kernel/http/request.hpp"

namespace vergegrid::control {

inline Actor request_actor(const kernel::http::Request& request) {
    return Actor{request.caller.subject, request.request_id};
}

}  // namespace vergegrid::control
