#include "control/access/roles.hpp"

#include <array>
#include <utility>

namespace vergegrid::control {

namespace {

constexpr std::array<std::pair<Permission, std::string_view>, 5> kNames{{
    {Permission::anyone, "anyone"},
    {Permission::read, "read"},
    {Permission::write, "write"},
    {Permission::admin, "admin"},
    {Permission::simulator, "simulator"},
}};

}  // namespace

std::string_view to_string(Permission permission) {
    for (const auto& [value, name] : kNames) {
        if (value == permission) {
            return name;
        }
    }
    return "admin";
}

std::optional<Permission> parse_permission(std::string_view name) {
    for (const auto& [value, known] : kNames) {
        if (known == name) {
            return value;
        }
    }
    return std::nullopt;
}

bool is_operator_role(std::string_view role) {
    return role == kViewer || role == kOperator || role == kAdmin;
}

bool permits(Permission needed, std::string_view role) {
    switch (needed) {
        case Permission::anyone:
            return true;
        case Permission::read:
            return is_operator_role(role);
        case Permission::write:
            return role == kOperator || role == kAdmin;
        case Permission::admin:
            return role == kAdmin;
        case Permission::simulator:
            return role == kSimulatorRole;
    }
    return false;
}

}  // namespace vergegrid::control
