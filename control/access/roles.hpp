// The control plane's roles and what each route may require of its caller. Operators are
// viewers, operators or admins (User::role); a simulator calls with its own API key. The kernel
// only carries a requirement's name; control/api/route_permission.hpp installs permits() as the
// router's authorizer.
#pragma once

#include <optional>
#include <string_view>

namespace vergegrid::control {

enum class Permission {
    anyone,     // no credentials needed (health, version, login)
    read,       // viewer, operator or admin
    write,      // operator or admin
    admin,      // admin only
    simulator,  // a registered simulator's own API key
};

// "anyone", "read", "write", "admin", "simulator": the names GET /api/v1/routes lists.
std::string_view to_string(Permission permission);
std::optional<Permission> parse_permission(std::string_view name);

// An operator's role as stored in User::role.
inline constexpr std::string_view kViewer = "viewer";
inline constexpr std::string_view kOperator = "operator";
inline constexpr std::string_view kAdmin = "admin";
// The role of a caller authenticated by a simulator's API key.
inline constexpr std::string_view kSimulatorRole = "simulator";

// viewer, operator or admin.
bool is_operator_role(std::string_view role);

// Whether a caller with `role` may do what `needed` requires.
bool permits(Permission needed, std::string_view role);

}  // namespace vergegrid::control
