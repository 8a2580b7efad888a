#include "control/api/placement_policy_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/common/json_reader.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

nlohmann::json listing_json(const PolicyListing& listing) {
    return {{"active", listing.active ? nlohmann::json(*listing.active) : nlohmann::json(nullptr)},
            {"available", listing.available}};
}

// {"policy": "<name>"}: the name asked for.
std::string read_policy_name(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    const auto name = reader.name("policy", 64);
    reader.reject_unknown();
    if (!name) {
        throw ApiError::invalid_field("policy", "is required");
    }
    return *name;
}

}  // namespace

void add_placement_policy_routes(kernel::http::Router& router,
                                 std::shared_ptr<PolicyChoice> policies) {
    router.add("GET", "/api/v1/placement/policy", Permission::read, [policies](const Request&) {
        return Response::json(200, listing_json(policies->listing()));
    });
    router.add("PUT", "/api/v1/placement/policy", Permission::admin,
               [policies](const Request& request) {
                   const auto name = read_policy_name(request);
                   const Actor actor{request.caller.subject, request.request_id};
                   return Response::json(200, listing_json(policies->choose(actor, name).value));
               });
}

}  // namespace vergegrid::control
