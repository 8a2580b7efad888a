// The one error type handlers throw to answer a client with a 4xx/5xx and a machine-readable
// code; the server turns it into {"error":{"code":...,"message":...,"field":...}}.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vergegrid::kernel::http {

class ApiError : public std::runtime_error {
  public:
    // `message` is shown to the client: no internals, no secrets. `field` names the offending
    // input (a JSON key, a query parameter) when there is one.
    ApiError(int status, std::string code, const std::string& message, std::string field = {});

    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::string& field() const noexcept { return field_; }
    std::string_view message() const noexcept { return what(); }

    // 400 with code "invalid_field", the usual answer to a bad request field.
    static ApiError invalid_field(std::string field, const std::string& message);
    static ApiError not_found(const std::string& message);
    static ApiError conflict(const std::string& message);

  private:
    int status_;
    std::string code_;
    std::string field_;
};

// {"error":{"code":...,"message":...,"field":...}} in that key order ("field" left out when
// empty): ordered_json, because nlohmann::json would sort the keys.
nlohmann::ordered_json error_body(std::string_view code, std::string_view message,
                                  std::string_view field = {});
nlohmann::ordered_json error_body(const ApiError& error);

}  // namespace vergegrid::kernel::http
