// What a route requires of its caller. Every route declares one; the server authenticates the
// caller (through the router's authenticator) before the handler runs and answers 401 when it
// cannot tell who is calling, 403 when the caller may not do this.
#pragma once

#include <string>

namespace vergegrid::kernel::http {

enum class Permission {
    anyone,     // no credentials needed (health, version, login)
    read,       // viewer, operator or admin
    write,      // operator or admin
    admin,      // admin only
    simulator,  // a registered simulator's own API key
};

std::string to_string(Permission permission);

struct Caller;
// Throws ApiError 401 "unauthenticated" or 403 "forbidden".
void authorize(Permission needed, const Caller& caller);

}  // namespace vergegrid::kernel::http
