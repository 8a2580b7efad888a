// First start with an empty database: create the "admin" user and its API token, taken from
// VERGEGRID_ADMIN_TOKEN or made at random and written to <data_dir>/admin-token (mode 0600).
#pragma once

#include <spdlog/fwd.h>
#include <filesystem>
#include <optional>
#include <string>

#include "control/domain/store.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::control {

// Does nothing (false) when any user exists; true when it created "admin". Throws
// std::runtime_error when the token file cannot be written or the given token is too weak.
bool bootstrap_admin(const Store& store, plugin_api::AuthProvider& auth,
                     const std::filesystem::path& data_dir,
                     const std::optional<std::string>& token_from_env, spdlog::logger& log);

}  // namespace vergegrid::control
