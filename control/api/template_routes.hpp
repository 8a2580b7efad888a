// /api/v1/templates: list, get, create, PATCH (a new version), delete, and its versions.
#pragma once

#include "control/templates/template_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_template_routes(kernel::http::Router& router, TemplateService templates);

}  // namespace vergegrid::control
