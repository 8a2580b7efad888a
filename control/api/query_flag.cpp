#include "control/api/query_flag.hpp"

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

bool query_flag(const kernel::http::Request& request, const std::string& key) {
    const auto it = request.query.find(key);
    if (it == request.query.end()) {
        return false;
    }
    if (it->second != "true" && it->second != "false") {
        throw kernel::http::ApiError::invalid_field(key, "must be true or false");
    }
    return it->second == "true";
}

}  // namespace vergegrid::control
