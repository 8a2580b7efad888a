// Operators: users and their API tokens (admin only). Sessions are in session_routes.hpp.
#pragma once

#include <memory>

#include "control/access/token_service.hpp"
#include "control/access/user_service.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_user_routes(kernel::http::Router& router, std::shared_ptr<const UserService> users,
                     std::shared_ptr<const TokenService> tokens);

}  // namespace vergegrid::control
