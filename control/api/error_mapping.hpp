// The one place a DomainError becomes an HTTP answer: the status follows from its Fault, the
// code, message and field pass through unchanged.
#pragma once

#include <optional>

#include "control/domain/domain_error.hpp"
#include "kernel/http/api_error.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

int http_status(Fault fault);

kernel::http::ApiError to_api_error(const DomainError& error);

// Makes `router` answer every DomainError a handler (or a deferred answer) throws.
void install_error_mapping(kernel::http::Router& router);

}  // namespace vergegrid::control
