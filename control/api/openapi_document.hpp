// The OpenAPI 3.1 description of the REST API (docs/api.md, "The OpenAPI document"): the live
// route table says which operations exist, with their path parameters and permissions; the
// per-area fragments (control/api/openapi/*.json) say what each one takes and answers. Served at
// GET /api/v1/openapi.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/api/openapi_fragments.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

struct OpenApiDocument {
    nlohmann::ordered_json document;
    // "GET /api/v1/x" for each route no fragment describes: the document still lists it, with a
    // placeholder operation marked "x-vergegrid-undocumented".
    std::vector<std::string> undocumented;
    // "GET /api/v1/x" for each fragment operation that is no route: left out of the document.
    std::vector<std::string> stale;
};

// Throws std::invalid_argument when a fragment is not valid JSON or not of the fragment's shape,
// std::logic_error when two fragments name the same schema or describe the same operation.
OpenApiDocument build_openapi_document(const std::vector<kernel::http::Router::RouteInfo>& routes,
                                       const std::vector<OpenApiFragment>& fragments,
                                       const std::string& version);

// GET /api/v1/openapi.json, from the routes `router` holds when it is first asked (the route
// table is complete once the server serves). The router outlives its routes.
void add_openapi_route(kernel::http::Router& router);

}  // namespace vergegrid::control
