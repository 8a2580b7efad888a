// JSON calls against a running vergegrid-control, for the API tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace vergegrid::test {

struct JsonResult {
    int status = 0;
    nlohmann::json body;  // null when the answer had no body or was not JSON
    std::string raw;
    std::map<std::string, std::string> headers;
};

// Calls as the test admin unless given another bearer token ("" = no credentials).
class ApiClient {
  public:
    explicit ApiClient(std::uint16_t port, std::string token = kTestAdminToken)
        : port_(port), token_(std::move(token)) {}

    JsonResult call(const std::string& method, const std::string& path,
                    const std::string& body = {},
                    std::map<std::string, std::string> headers = {}) const {
        if (!token_.empty()) {
            headers.emplace("Authorization", "Bearer " + token_);
        }
        auto result = http_request(port_, method, path, body, headers);
        JsonResult out{result.status, nullptr, result.body, result.headers};
        out.body = nlohmann::json::parse(result.body, nullptr, false);
        if (out.body.is_discarded()) {
            out.body = nullptr;
        }
        return out;
    }
    JsonResult get(const std::string& path) const { return call("GET", path); }
    JsonResult post(const std::string& path, const nlohmann::json& body) const {
        return call("POST", path, body.dump());
    }
    JsonResult patch(const std::string& path, const nlohmann::json& body,
                     const std::map<std::string, std::string>& headers = {}) const {
        return call("PATCH", path, body.dump(), headers);
    }
    JsonResult del(const std::string& path) const { return call("DELETE", path); }

  private:
    std::uint16_t port_;
    std::string token_;
};

}  // namespace vergegrid::test
