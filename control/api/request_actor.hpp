// Who asks for a change over HTTP: the authenticated caller, under the request's id.
#pragma once

#include "control/domain/domain_event.hpp"
#include "kernel/http/request.hpp"

namespace vergegrid::control {

inline Actor request_actor(const kernel::http::Request& request) {
    return Actor{request.caller.subject, request.request_id};
}

}  // namespace vergegrid::control
