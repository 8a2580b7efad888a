// Everything the control plane serves beyond the kernel's own routes.
#pragma once

#include "kernel/http/router.hpp"
#include "kernel/services/service_registry.hpp"

namespace vergegrid::control {

// The registry must outlive the router.
void add_control_routes(kernel::http::Router& router, kernel::services::ServiceRegistry& services);

}  // namespace vergegrid::control
