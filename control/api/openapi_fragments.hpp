// The OpenAPI fragments of control/api/openapi/*.json, one per route file's area, embedded in the
// program at build time (cmake/embed_openapi_fragments.cmake): the document never depends on a
// file found at run time.
#pragma once

#include <string>
#include <vector>

namespace vergegrid::control {

struct OpenApiFragment {
    std::string area;  // the file name without ".json": "regions", "system", ...
    std::string text;  // {"tags":[...], "paths":{...}, "components":{"schemas":{...}}}
};

// Sorted by area.
const std::vector<OpenApiFragment>& embedded_openapi_fragments();

}  // namespace vergegrid::control
