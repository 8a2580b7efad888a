#include "control/api/route_permission.hpp"

#include <string>

namespace vergegrid::control {

kernel::http::Permission route_permission(Permission permission) {
    if (permission == Permission::anyone) {
        return kernel::http::Permission::anyone;
    }
    return kernel::http::Permission::named(std::string(to_string(permission)));
}

void install_authorization(kernel::http::Router& router) {
    router.set_authorizer(
        [](const kernel::http::Permission& needed, const kernel::http::Caller& caller) {
            const auto permission = parse_permission(needed.name());
            return permission && permits(*permission, caller.role);
        });
}

}  // namespace vergegrid::control
