#include "control/api/blueprint_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/api/request_actor.hpp"
#include "control/blueprints/blueprint_json.hpp"
#include "control/common/json_reader.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

const std::string& blueprint_name(const Request& request) {
    return request.path_params.at("name");
}

// {"parameters": {...}}: the object the blueprint checks itself ({} when left out).
nlohmann::json read_parameters(const Request& request) {
    const auto body = request.body.empty() ? nlohmann::json::object() : request.json_body();
    JsonReader reader(body, "");
    const auto* parameters = reader.raw("parameters");
    reader.reject_unknown();
    if (parameters == nullptr) {
        return nlohmann::json::object();
    }
    if (!parameters->is_object()) {
        throw ApiError::invalid_field("parameters", "must be an object");
    }
    return *parameters;
}

}  // namespace

void add_blueprint_routes(kernel::http::Router& router,
                          std::shared_ptr<const BlueprintService> blueprints) {
    router.add("GET", "/api/v1/blueprints", Permission::read, [blueprints](const Request&) {
        auto items = nlohmann::json::array();
        for (const auto& blueprint : blueprints->list()) {
            items.push_back(blueprint_to_json(blueprint));
        }
        return Response::json(200, {{"items", std::move(items)}, {"next", nullptr}});
    });

    router.add(
        "GET", "/api/v1/blueprints/{name}", Permission::read, [blueprints](const Request& request) {
            return Response::json(200, blueprint_to_json(blueprints->get(blueprint_name(request))));
        });

    router.add("POST", "/api/v1/blueprints/{name}/plan", Permission::write,
               [blueprints](const Request& request) {
                   const auto planned = blueprints->plan(
                       request_actor(request), blueprint_name(request), read_parameters(request));
                   return Response::json(200, blueprint_outcome_to_json(planned));
               });

    router.add("POST", "/api/v1/blueprints/{name}/apply", Permission::write,
               [blueprints](const Request& request) {
                   const auto applied = blueprints->apply(
                       request_actor(request), blueprint_name(request), read_parameters(request));
                   return Response::json(201, blueprint_outcome_to_json(applied.value));
               });
}

}  // namespace vergegrid::control
