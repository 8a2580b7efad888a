// Operators: users and their API tokens (admin only). Sessions are in session_routes.hpp.
#pragma once

#include <memory>

#include "control/access/auth_cache.hpp"
#include "control/domain/store.hpp"
#include "kernel/http/router.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::control {

// `auth_cache` forgets every operator after a change that can take access away.
void add_user_routes(kernel::http::Router& router, Store store,
                     kernel::services::ActiveSlot<plugin_api::AuthProvider>& auth,
                     std::shared_ptr<AuthCache> auth_cache);

}  // namespace vergegrid::control
