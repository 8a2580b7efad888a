#include "control/common/newest_first_cursor.hpp"

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

std::string newest_first_cursor(const std::string& created_at, const std::string& id) {
    return created_at + "_" + id;
}

NewestFirstKey split_newest_first_cursor(const std::string& cursor, const std::string& parameter) {
    if (cursor.empty()) {
        return {};
    }
    // created_at is an ISO timestamp (no '_'); ids may hold anything after it.
    const auto at = cursor.find('_');
    if (at == std::string::npos) {
        throw DomainError::invalid_field(parameter, "is not a cursor this server issued");
    }
    return {cursor.substr(0, at), cursor.substr(at + 1)};
}

}  // namespace vergegrid::control
