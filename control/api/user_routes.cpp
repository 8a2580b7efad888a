#include "control/api/user_routes.hpp"

#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/common/clock.hpp"
#include "control/common/json_reader.hpp"

namespace vergegrid::control {

using kernel::http::Request;
using kernel::http::Response;

namespace {

// Checked as it is read, so a wrong role is named before any other fault of the body.
std::optional<std::string> read_role(JsonReader& reader) {
    auto role = reader.string("role", 16);
    if (role) {
        checked_role(*role);
    }
    return role;
}

NewUser read_new_user(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    NewUser user;
    user.name = reader.name("name", 64).value_or("");
    user.role = read_role(reader).value_or("");
    user.password = reader.string("password", 1024);
    reader.reject_unknown();
    return user;
}

UserChange read_user_change(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    UserChange change;
    change.role = read_role(reader);
    change.password = reader.string("password", 1024);
    change.disabled = reader.boolean("disabled");
    reader.reject_unknown();
    return change;
}

NewToken read_new_token(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    NewToken token;
    token.label = reader.name("label", 128).value_or("api token");
    // Checked as it is read, like the role.
    token.expires_at =
        checked_expiry(reader.nullable_string("expires_at", 64).value_or(""), now_iso8601());
    reader.reject_unknown();
    return token;
}

template <typename Item, typename ToJson>
Response list_json(const std::vector<Item>& items, ToJson to_json) {
    nlohmann::json json = nlohmann::json::array();
    for (const auto& item : items) {
        json.push_back(to_json(item));
    }
    return Response::json(200, {{"items", json}, {"next", nullptr}});
}

Response issued_token_json(const plugin_api::IssuedToken& issued) {
    auto json = token_document(issued.record);
    json["token"] = issued.token;  // shown this once
    return Response::secret_json(201, json);
}

}  // namespace

void add_user_routes(kernel::http::Router& router, std::shared_ptr<const UserService> users,
                     std::shared_ptr<const TokenService> tokens) {
    router.add("GET", "/api/v1/users", Permission::admin,
               [users](const Request&) { return list_json(users->list(), user_document); });

    router.add("POST", "/api/v1/users", Permission::admin, [users](const Request& request) {
        const auto created = users->create(request_actor(request), read_new_user(request));
        return Response::json(201, user_document(created.value));
    });

    router.add("PATCH", "/api/v1/users/{id}", Permission::admin, [users](const Request& request) {
        const auto change = read_user_change(request);
        const auto updated =
            users->update(request_actor(request), request.path_params.at("id"), change);
        return Response::json(200, user_document(updated.value));
    });

    router.add("GET", "/api/v1/users/{id}/tokens", Permission::admin,
               [tokens](const Request& request) {
                   return list_json(tokens->list(request.path_params.at("id")), token_document);
               });

    router.add("POST", "/api/v1/users/{id}/tokens", Permission::admin,
               [tokens](const Request& request) {
                   const auto token = read_new_token(request);
                   const auto issued =
                       tokens->create(request_actor(request), request.path_params.at("id"), token);
                   return issued_token_json(issued.value);
               });

    router.add("DELETE", "/api/v1/users/{id}/tokens/{token}", Permission::admin,
               [tokens](const Request& request) {
                   tokens->revoke(request_actor(request), request.path_params.at("id"),
                                  request.path_params.at("token"));
                   return Response{204, "application/json", "", {}};
               });
}

}  // namespace vergegrid::control
