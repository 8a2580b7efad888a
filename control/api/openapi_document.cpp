#include "control/api/openapi_document.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "control/api/route_permission.hpp"
#include "kernel/http/response.hpp"
#include "version/version.hpp"

namespace vergegrid::control {

namespace http = kernel::http;
// Ordered: the document keeps the route table's order of paths and the fragments' order of
// members, as their authors wrote them.
using json = nlohmann::ordered_json;

namespace {

constexpr const char* kErrorRef = "#/components/schemas/Error";

// {"error":{"code","message","field"?}}: kernel/http/api_error.cpp's error_body, the one shape
// of every 4xx and 5xx answer.
json error_schema() {
    return {{"type", "object"},
            {"description",
             "Every 4xx and 5xx answer. `code` is machine-readable (invalid_field, not_found, "
             "conflict, ...); `field` names the offending input when there is one."},
            {"required", {"error"}},
            {"additionalProperties", false},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", {"code", "message"}},
                {"additionalProperties", false},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"field", {{"type", "string"}}}}}}}}}};
}

json error_response(const std::string& description) {
    return {{"description", description},
            {"content", {{"application/json", {{"schema", {{"$ref", kErrorRef}}}}}}}};
}

// The answers any route may give, by components.responses name: the kernel's (bad path or JSON,
// credentials, body size and time, shutdown) and the control plane's error mapping
// (control/api/error_mapping.cpp). Fragments $ref the others where a route gives them.
json shared_responses() {
    return {
        {"BadRequest", error_response("Malformed request or invalid field (`field` names it)")},
        {"Unauthenticated", error_response("No valid credentials")},
        {"Forbidden", error_response("The caller's role does not permit this route")},
        {"NotFound", error_response("No such resource")},
        {"RequestTimeout", error_response("The request body did not arrive in time")},
        {"PayloadTooLarge", error_response("The request body is larger than the route allows")},
        {"Conflict", error_response("The request conflicts with the current state")},
        {"PreconditionFailed", error_response("If-Match names a version that is not current")},
        {"PreconditionRequired", error_response("The route requires an If-Match header")},
        {"Unprocessable", error_response("Well-formed but cannot be done")},
        {"TooManyRequests", error_response("Too many requests; retry after Retry-After")},
        {"InternalError", error_response("Internal server error (see the server log)")},
        {"Unavailable",
         error_response("A needed service is not active, or the server is shutting down")},
    };
}

json ref_response(const std::string& name) {
    return {{"$ref", "#/components/responses/" + name}};
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string route_key(const std::string& method, const std::string& pattern) {
    return method + " " + pattern;
}

std::vector<std::string> path_parameters(const std::string& pattern) {
    std::vector<std::string> names;
    for (std::size_t open = pattern.find('{'); open != std::string::npos;
         open = pattern.find('{', open + 1)) {
        const auto close = pattern.find('}', open);
        names.push_back(pattern.substr(open + 1, close - open - 1));
    }
    return names;
}

struct MergedFragments {
    json tags = json::array();
    json paths = json::object();
    json schemas = json::object();
};

const json& member(const json& object, const char* key, json::value_t type,
                   const std::string& area) {
    static const json empty_object = json::object();
    static const json empty_array = json::array();
    if (!object.contains(key)) {
        return type == json::value_t::array ? empty_array : empty_object;
    }
    const auto& value = object.at(key);
    if (value.type() != type) {
        throw std::invalid_argument("openapi fragment " + area + ": \"" + key +
                                    "\" has the wrong type");
    }
    return value;
}

void merge_fragment(MergedFragments& merged, const OpenApiFragment& fragment) {
    const auto parsed = json::parse(fragment.text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        throw std::invalid_argument("openapi fragment " + fragment.area + " is not a JSON object");
    }
    for (const auto& tag : member(parsed, "tags", json::value_t::array, fragment.area)) {
        const auto name = tag.value("name", "");
        const bool known = std::any_of(merged.tags.begin(), merged.tags.end(),
                                       [&](const json& t) { return t.value("name", "") == name; });
        if (!known) {  // a tag two areas share is described by the first
            merged.tags.push_back(tag);
        }
    }
    for (const auto& [pattern, operations] :
         member(parsed, "paths", json::value_t::object, fragment.area).items()) {
        for (const auto& [method, operation] : operations.items()) {
            if (merged.paths.contains(pattern) && merged.paths[pattern].contains(method)) {
                throw std::logic_error("openapi fragments describe " + method + " " + pattern +
                                       " twice (again in " + fragment.area + ")");
            }
            merged.paths[pattern][method] = operation;
        }
    }
    const auto& components = member(parsed, "components", json::value_t::object, fragment.area);
    for (const auto& [name, schema] :
         member(components, "schemas", json::value_t::object, fragment.area).items()) {
        if (merged.schemas.contains(name) || name == "Error") {
            throw std::logic_error("openapi fragments define the schema " + name +
                                   " twice (again in " + fragment.area + ")");
        }
        merged.schemas[name] = schema;
    }
}

json security_for(const http::Permission& permission) {
    if (permission.is_anyone()) {
        return json::array();
    }
    // A simulator calls with its API key only; operators with a token or the console's session.
    if (permission.name() == "simulator") {
        return json::array({{{"bearerToken", json::array()}}});
    }
    return json::array({{{"bearerToken", json::array()}}, {{"sessionCookie", json::array()}}});
}

json placeholder_operation(const std::string& method, const std::string& pattern) {
    return {{"summary", "(not yet described)"},
            {"tags", {"undocumented"}},
            {"operationId", lower(method) + pattern},
            {"responses", {{"200", {{"description", "Success (not yet described)"}}}}},
            {"x-vergegrid-undocumented", true}};
}

// Adds what the route table knows: path parameters, security, permission, shared errors.
void complete_operation(json& operation, const http::Router::RouteInfo& route) {
    auto& parameters = operation["parameters"];
    if (!parameters.is_array()) {
        parameters = json::array();
    }
    for (const auto& name : path_parameters(route.pattern)) {
        const bool given = std::any_of(parameters.begin(), parameters.end(), [&](const json& p) {
            return p.value("in", "") == "path" && p.value("name", "") == name;
        });
        if (!given) {
            parameters.push_back({{"name", name},
                                  {"in", "path"},
                                  {"required", true},
                                  {"schema", {{"type", "string"}}}});
        }
    }
    if (parameters.empty()) {
        operation.erase("parameters");
    }
    operation["security"] = security_for(route.permission);
    operation["x-vergegrid-permission"] = http::to_string(route.permission);
    auto& responses = operation["responses"];
    const auto add = [&responses](const std::string& status, const std::string& name) {
        if (!responses.contains(status)) {
            responses[status] = ref_response(name);
        }
    };
    add("400", "BadRequest");
    if (!route.permission.is_anyone()) {
        add("401", "Unauthenticated");
        add("403", "Forbidden");
    }
    if (route.pattern.find('{') != std::string::npos) {
        add("404", "NotFound");
    }
    if (route.method == "POST" || route.method == "PUT" || route.method == "PATCH") {
        add("408", "RequestTimeout");
        add("413", "PayloadTooLarge");
    }
    add("500", "InternalError");
    add("503", "Unavailable");
}

json document_frame(const std::string& version) {
    return {
        {"openapi", "3.1.0"},
        {"info",
         {{"title", "VergeGrid control plane API"},
          {"version", version},
          {"description",
           "The REST API of vergegrid-control (docs/api.md). Generated by the running server "
           "from its route table; every route is listed with the permission it requires "
           "(x-vergegrid-permission)."}}},
        {"jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base"},
        {"servers", {{{"url", "/"}, {"description", "The server that served this document"}}}},
    };
}

}  // namespace

OpenApiDocument build_openapi_document(const std::vector<http::Router::RouteInfo>& routes,
                                       const std::vector<OpenApiFragment>& fragments,
                                       const std::string& version) {
    MergedFragments merged;
    for (const auto& fragment : fragments) {
        merge_fragment(merged, fragment);
    }
    OpenApiDocument result;
    json paths = json::object();
    bool any_undocumented = false;
    for (const auto& route : routes) {
        const auto method = lower(route.method);
        json operation;
        if (merged.paths.contains(route.pattern) && merged.paths[route.pattern].contains(method)) {
            operation = merged.paths[route.pattern][method];
            merged.paths[route.pattern].erase(method);
        } else {
            operation = placeholder_operation(route.method, route.pattern);
            result.undocumented.push_back(route_key(route.method, route.pattern));
            any_undocumented = true;
        }
        complete_operation(operation, route);
        paths[route.pattern][method] = std::move(operation);
    }
    for (const auto& [pattern, operations] : merged.paths.items()) {
        for (const auto& [method, operation] : operations.items()) {
            std::string upper = method;
            std::transform(upper.begin(), upper.end(), upper.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            result.stale.push_back(route_key(upper, pattern));
        }
    }
    if (any_undocumented) {
        merged.tags.push_back(
            {{"name", "undocumented"}, {"description", "Routes no fragment describes yet"}});
    }
    merged.schemas["Error"] = error_schema();
    auto document = document_frame(version);
    document["tags"] = std::move(merged.tags);
    document["paths"] = std::move(paths);
    document["components"] = {
        {"schemas", std::move(merged.schemas)},
        {"responses", shared_responses()},
        {"securitySchemes",
         {{"bearerToken",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description",
             "An API token (vergegridctl, scripts) or, on the /api/v1/sim/ routes, the "
             "simulator's API key"}}},
          {"sessionCookie",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", "vergegrid_session"},
            {"description",
             "The web console's session (POST /api/v1/session); the request must come from "
             "the console's own origin"}}}}}};
    result.document = std::move(document);
    return result;
}

void add_openapi_route(http::Router& router) {
    // Built once, when first asked: by then every route is in the table, and it never changes.
    struct Cache {
        std::once_flag once;
        std::string body;
    };
    auto cache = std::make_shared<Cache>();
    // The same information as GET /api/v1/routes (which routes exist and what they require),
    // so the same permission.
    router.add(
        "GET", "/api/v1/openapi.json", Permission::read, [&router, cache](const http::Request&) {
            std::call_once(cache->once, [&] {
                cache->body = build_openapi_document(router.routes(), embedded_openapi_fragments(),
                                                     kProgramVersion)
                                  .document.dump();
            });
            http::Response response;
            response.status = 200;
            response.body = cache->body;
            return response;
        });
}

}  // namespace vergegrid::control
