// Serves the web console at "/" from the files embedded in the binary: each with its content type
// and a strong ETag (304 on If-None-Match), every other path outside /api/ as index.html so the
// console's client-side routes survive a reload, and the usual JSON 404 under /api/.
#pragma once

#include "kernel/http/router.hpp"

namespace vergegrid::web_admin {

void add_web_console(kernel::http::Router& router);

}  // namespace vergegrid::web_admin
