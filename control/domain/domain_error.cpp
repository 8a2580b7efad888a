#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

std::string_view to_string(Fault fault) {
    switch (fault) {
        case Fault::invalid_input:
            return "invalid_input";
        case Fault::unauthenticated:
            return "unauthenticated";
        case Fault::forbidden:
            return "forbidden";
        case Fault::not_found:
            return "not_found";
        case Fault::conflict:
            return "conflict";
        case Fault::precondition_failed:
            return "precondition_failed";
        case Fault::unprocessable:
            return "unprocessable";
        case Fault::too_many:
            return "too_many";
        case Fault::unavailable:
            return "unavailable";
        case Fault::internal:
            return "internal";
    }
    return "unknown";
}

DomainError::DomainError(Fault fault, std::string code, const std::string& message,
                         std::string field)
    : std::runtime_error(message),
      fault_(fault),
      code_(std::move(code)),
      field_(std::move(field)) {}

DomainError DomainError::invalid_field(std::string field, const std::string& message) {
    return DomainError(Fault::invalid_input, "invalid_field", message, std::move(field));
}

DomainError DomainError::not_found(const std::string& message) {
    return DomainError(Fault::not_found, "not_found", message);
}

DomainError DomainError::conflict(std::string code, const std::string& message, std::string field) {
    return DomainError(Fault::conflict, std::move(code), message, std::move(field));
}

}  // namespace vergegrid::control
