// The kernel's own routes: liveness, readiness, version, plugins, metrics.
#pragma once

#include "kernel/http/router.hpp"
#include "kernel/metrics/registry.hpp"
#include "kernel/plugins/plugin_registry.hpp"
#include "kernel/services/service_registry.hpp"

namespace vergegrid::kernel::app {

struct SystemContext {
    const plugins::PluginRegistry& plugins;
    services::ServiceRegistry& services;
    metrics::Registry& metrics;
};

// The context must outlive the router.
void add_system_routes(http::Router& router, SystemContext context);

}  // namespace vergegrid::kernel::app
