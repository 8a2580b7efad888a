// The operations channel over HTTP: a simulator pulls its operations (long poll) and reports
// results; operators list operations. Parsing, rendering and the long poll's parking; the rules
// are OperationService's.
#pragma once

#include <memory>

#include "control/operations/operation_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_operation_routes(kernel::http::Router& router,
                          std::shared_ptr<OperationService> operations);

}  // namespace vergegrid::control
