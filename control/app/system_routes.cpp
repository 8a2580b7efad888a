#include "control/app/system_routes.hpp"

#include <nlohmann/json.hpp>

#include "control/api/openapi_document.hpp"
#include "control/api/route_permission.hpp"
#include "plugin_host/plugin_listing.hpp"
#include "vergegrid/plugin_api/abi.hpp"
#include "version/version.hpp"

namespace vergegrid::control {

namespace http = kernel::http;

void add_system_routes(http::Router& router, SystemContext context) {
    // Liveness: the process answers. Nothing else is checked, so a slow database never gets a
    // healthy process killed by its supervisor.
    router.add("GET", "/healthz", http::Permission::anyone, [](const http::Request&) {
        return http::Response::json(200, {{"status", "ok"}});
    });

    // Readiness: the process can serve API traffic, i.e. its storage answers.
    router.add("GET", "/readyz", http::Permission::anyone, [context](const http::Request&) {
        auto storage = context.services.storage.get();
        if (!storage) {
            return http::Response::json(
                503,
                {{"status", "not_ready"}, {"storage", {{"ok", false}, {"detail", "no storage"}}}});
        }
        const auto health = storage->health();
        return http::Response::json(health.ok ? 200 : 503,
                                    {{"status", health.ok ? "ready" : "not_ready"},
                                     {"storage", {{"ok", health.ok}, {"detail", health.detail}}}});
    });

    router.add("GET", "/api/v1/version", http::Permission::anyone, [](const http::Request&) {
        return http::Response::json(200, {{"program", "vergegrid-control"},
                                          {"version", kProgramVersion},
                                          {"abi", plugin_api::kAbiVersion.to_string()}});
    });

    router.add("GET", "/api/v1/plugins", Permission::read, [context](const http::Request&) {
        return http::Response::json(200, plugin_host::plugins_to_json(context.plugins.records()));
    });

    auto& plugin_states =
        context.metrics.gauge("vergegrid_plugins", "Plugin files found, by kind, name and status",
                              {"kind", "name", "status", "file"});
    context.metrics.add_collector([context, &plugin_states] {
        plugin_states.clear();
        for (const auto& r : context.plugins.records()) {
            plugin_states
                .with(
                    {r.kind, r.name, plugin_host::to_string(r.status), r.file.filename().string()})
                .set(1);
        }
    });
    // What GET /readyz answers, for an alert on a replica that serves but cannot reach its
    // database (a scrape that times out on a storage that hangs leaves `up` 0 instead).
    auto& ready = context.metrics
                      .gauge("vergegrid_ready",
                             "1 when GET /readyz answers 200 (the storage answers), 0 otherwise")
                      .with({});
    context.metrics.add_collector([context, &ready] {
        const auto storage = context.services.storage.get();
        ready.set(storage && storage->health().ok ? 1 : 0);
    });
    // Every route with what it requires: for Permission::read, and for the authorization tests that
    // must cover every route. The router outlives its routes, so capturing it is safe.
    router.add("GET", "/api/v1/routes", Permission::read, [&router](const http::Request&) {
        auto items = nlohmann::json::array();
        for (const auto& route : router.routes()) {
            items.push_back({{"method", route.method},
                             {"pattern", route.pattern},
                             {"permission", http::to_string(route.permission)}});
        }
        return http::Response::json(200, {{"items", items}});
    });

    add_openapi_route(router);

    router.add("GET", "/metrics", http::Permission::anyone, [context](const http::Request&) {
        return http::Response::text(200, context.metrics.render());
    });
}

}  // namespace vergegrid::control
