// The channel's routes: a simulator pulls its operations (long poll) and reports results;
// operators list operations.
#pragma once

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/simulators/pending_keys.hpp"
#include "kernel/http/router.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"

namespace vergegrid::control {

inline constexpr int kMaxPullWaitS = 60;
inline constexpr int kMaxOperationsPerPull = 100;

nlohmann::json operation_to_json(const plugin_api::Operation& operation);
// The signals must outlive the router. `max_parked_polls`: long polls one simulator may hold
// waiting at once (simulators.max_parked_polls).
// A pull made with a simulator's previous key also carries the key that replaced it
// (`pending_keys`, which must outlive the router too).
void add_operation_routes(kernel::http::Router& router, Store store, OperationSignals& signals,
                          PendingKeys& pending_keys, int max_parked_polls = 4);

}  // namespace vergegrid::control
