// A route's handler. It may throw ApiError to answer with an error; any other exception becomes
// a 500 whose details stay in the server log.
#pragma once

#include <functional>

#include "kernel/http/request.hpp"
#include "kernel/http/response.hpp"

namespace vergegrid::kernel::http {

using Handler = std::function<Response(const Request&)>;

}  // namespace vergegrid::kernel::http
