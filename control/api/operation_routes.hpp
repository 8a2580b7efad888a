// The operations channel over HTTP: a simulator pulls its operations (long poll) and reports
// results; operators list operations. Parsing, rendering and the long poll's parking; the rules
// are OperationService's.
#pragma once

#include <memory>

#include "control/operations/operation_service.hpp"
#include "control/snapshots/snapshot_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

// `snapshots` gives the progress of long operations (null: none shown).
void add_operation_routes(kernel::http::Router& router,
                          std::shared_ptr<OperationService> operations,
                          std::shared_ptr<const SnapshotService> snapshots = nullptr);

}  // namespace vergegrid::control
