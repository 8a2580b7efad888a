// The control plane's permissions on the kernel's router: a route names a control::Permission
// (router.add(..., Permission::write, ...)) and the router's authorizer checks it with permits().
#pragma once

#include "control/access/roles.hpp"
#include "kernel/http/permission.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// Found by argument-dependent lookup when a route passes a control::Permission to the router.
kernel::http::Permission route_permission(Permission permission);

// Makes `router` admit a caller to a route when its role permits the route's permission.
void install_authorization(kernel::http::Router& router);

}  // namespace vergegrid::control
