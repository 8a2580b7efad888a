// The channel's routes: a simulator pulls its operations (long poll) and reports results;
// operators list operations.
#pragma once

#include "control/common/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "kernel/http/router.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"

namespace vergegrid::control {

inline constexpr int kMaxPullWaitS = 60;
inline constexpr int kMaxOperationsPerPull = 100;

nlohmann::json operation_to_json(const plugin_api::Operation& operation);
// The signals must outlive the router.
void add_operation_routes(kernel::http::Router& router, Store store, OperationSignals& signals);

}  // namespace vergegrid::control
