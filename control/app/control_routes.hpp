// Everything the control plane serves beyond the kernel's own routes, and the start-up work those
// services need (the first admin).
#pragma once

#include "control/app/control_plane.hpp"
#include "kernel/http/router.hpp"
#include "kernel/services/service_registry.hpp"

namespace vergegrid::control {

// The registry must outlive the router. Throws StartupError when the first admin
// cannot be set up. State the routes share (the channel's signals) lives as long as the process.
void add_control_routes(kernel::http::Router& router, kernel::services::ServiceRegistry& services,
                        const ServiceEnvironment& environment);

}  // namespace vergegrid::control
