#include "control/api/estate_routes.hpp"
#include "control/api/route_permission.hpp"

#include <optional>
#include <string>

#include "control/api/paging.hpp"
#include "control/api/request_actor.hpp"
#include "control/common/json_reader.hpp"
#include "control/estates/estate_json.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Estate;

namespace {

// The estate name reaches OpenSim as `TargetEstate` in Regions/*.ini, where no form of a value
// can hold a double quote (its reader ends every value at one).
std::optional<std::string> estate_name(JsonReader& reader) {
    auto name = reader.name("name", kMaxEstateName);
    if (name && name->find('"') != std::string::npos) {
        throw ApiError::invalid_field(
            reader.field("name"), "must not contain '\"' (OpenSim's Regions.ini cannot hold it)");
    }
    return name;
}

NewEstate read_new_estate(const nlohmann::json& body) {
    JsonReader reader(body, "");
    NewEstate command;
    command.name = estate_name(reader).value_or("");
    command.owner = reader.name("owner", kMaxOwner).value_or("");
    reader.reject_unknown();
    if (command.name.empty()) {
        throw ApiError::invalid_field("name", "is required");
    }
    if (command.owner.empty()) {
        throw ApiError::invalid_field("owner", "is required");
    }
    return command;
}

UpdateEstate read_estate_update(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    UpdateEstate command;
    command.id = request.path_params.at("id");
    command.name = estate_name(reader);
    command.owner = reader.name("owner", kMaxOwner);
    reader.forbid("id", "is read-only");
    reader.reject_unknown();
    return command;
}

}  // namespace

void add_estate_routes(kernel::http::Router& router, EstateService estates) {
    router.add("GET", "/api/v1/estates", Permission::read, [estates](const Request& request) {
        const auto page = page_request(request);
        const auto rows = estates.list(page.after, page.limit + 1);
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Estate& e) { return e.name; }, estate_to_json));
    });

    router.add("GET", "/api/v1/estates/{id}", Permission::read, [estates](const Request& request) {
        return Response::json(200, estate_to_json(estates.get(request.path_params.at("id"))));
    });

    router.add("POST", "/api/v1/estates", Permission::write, [estates](const Request& request) {
        const auto created =
            estates.create(request_actor(request), read_new_estate(request.json_body()));
        return Response::json(201, estate_to_json(created.value));
    });

    router.add("PATCH", "/api/v1/estates/{id}", Permission::write,
               [estates](const Request& request) {
                   const auto updated =
                       estates.update(request_actor(request), read_estate_update(request));
                   return Response::json(200, estate_to_json(updated.value));
               });

    router.add("DELETE", "/api/v1/estates/{id}", Permission::write,
               [estates](const Request& request) {
                   estates.remove(request_actor(request), request.path_params.at("id"));
                   return Response{204, "application/json", "", {}};
               });
}

}  // namespace vergegrid::control
