#include "kernel/http/permission.hpp"

#include "kernel/http/api_error.hpp"
#include "kernel/http/request.hpp"

namespace vergegrid::kernel::http {

std::string to_string(Permission permission) {
    switch (permission) {
        case Permission::anyone:
            return "anyone";
        case Permission::read:
            return "read";
        case Permission::write:
            return "write";
        case Permission::admin:
            return "admin";
        case Permission::simulator:
            return "simulator";
    }
    return "admin";
}

void authorize(Permission needed, const Caller& caller) {
    if (needed == Permission::anyone) {
        return;
    }
    if (caller.role == "anonymous") {
        throw ApiError(401, "unauthenticated",
                       "this route needs credentials (a bearer token or a session)");
    }
    const std::string& role = caller.role;
    bool allowed = false;
    switch (needed) {
        case Permission::anyone:
            allowed = true;
            break;
        case Permission::read:
            allowed = role == "viewer" || role == "operator" || role == "admin";
            break;
        case Permission::write:
            allowed = role == "operator" || role == "admin";
            break;
        case Permission::admin:
            allowed = role == "admin";
            break;
        case Permission::simulator:
            allowed = role == "simulator";
            break;
    }
    if (!allowed) {
        throw ApiError(403, "forbidden",
                       "a " + role + " may not do this (needs " + to_string(needed) + ")");
    }
}

}  // namespace vergegrid::kernel::http
