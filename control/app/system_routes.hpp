// vergegrid-control's system routes: liveness, readiness, version, plugins, metrics, routes.
#pragma once

#include "kernel/http/router.hpp"
#include "kernel/metrics/registry.hpp"
#include "kernel/services/service_registry.hpp"
#include "plugin_host/plugin_registry.hpp"

namespace vergegrid::control {

struct SystemContext {
    const plugin_host::PluginRegistry& plugins;
    kernel::services::ServiceRegistry& services;
    kernel::metrics::Registry& metrics;
};

// The context must outlive the router.
void add_system_routes(kernel::http::Router& router, SystemContext context);

}  // namespace vergegrid::control
