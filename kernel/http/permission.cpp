#include "kernel/http/permission.hpp"

#include <stdexcept>

namespace vergegrid::kernel::http {

Permission Permission::named(std::string name) {
    if (name.empty() || name == "anyone") {
        throw std::invalid_argument("a named permission needs a name other than 'anyone'");
    }
    return Permission(std::move(name));
}

std::string to_string(const Permission& permission) {
    return permission.is_anyone() ? "anyone" : permission.name();
}

}  // namespace vergegrid::kernel::http
