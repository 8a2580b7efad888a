// Operators: login/logout/whoami for the web UI, users and their API tokens (admin only).
#pragma once

#include "control/common/store.hpp"
#include "kernel/http/router.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::control {

void add_user_routes(kernel::http::Router& router, Store store,
                     kernel::services::ActiveSlot<plugin_api::AuthProvider>& auth);

}  // namespace vergegrid::control
