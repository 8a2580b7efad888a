// A true/false query parameter (?force=true, ?dry_run=true): absent is false; any other value is
// a 400 naming it.
#pragma once

#include <string>

#include "kernel/http/request.hpp"

namespace vergegrid::control {

bool query_flag(const kernel::http::Request& request, const std::string& key);

}  // namespace vergegrid::control
