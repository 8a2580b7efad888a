#include "kernel/http/api_error.hpp"

#include <nlohmann/json.hpp>

namespace vergegrid::kernel::http {

ApiError::ApiError(int status, std::string code, const std::string& message, std::string field)
    : std::runtime_error(message),
      status_(status),
      code_(std::move(code)),
      field_(std::move(field)) {}

ApiError ApiError::invalid_field(std::string field, const std::string& message) {
    return ApiError(400, "invalid_field", message, std::move(field));
}

ApiError ApiError::not_found(const std::string& message) {
    return ApiError(404, "not_found", message);
}

ApiError ApiError::conflict(const std::string& message) {
    return ApiError(409, "conflict", message);
}

nlohmann::ordered_json error_body(std::string_view code, std::string_view message,
                                  std::string_view field) {
    nlohmann::ordered_json error = {{"code", code}, {"message", message}};
    if (!field.empty()) {
        error["field"] = field;
    }
    return {{"error", std::move(error)}};
}

nlohmann::ordered_json error_body(const ApiError& error) {
    return error_body(error.code(), error.message(), error.field());
}

}  // namespace vergegrid::kernel::http
