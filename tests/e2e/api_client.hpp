// JSON calls against a running vergegrid-control, for the API tests.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

// Registers a simulator the way a bridge does: a one-time token from `admin`, then
// POST /api/v1/sim/register without credentials. Returns {simulator id, API key}.
inline std::pair<std::string, std::string> register_simulator(const ApiClient& admin,
                                                              std::uint16_t port,
                                                              const std::string& hostname,
                                                              const std::string& push_url = "") {
    const std::string token =
        admin.post("/api/v1/simulators/registration-tokens", nlohmann::json::object())
            .body.at("token");
    nlohmann::json body = {{"token", token}, {"hostname", hostname}, {"capacity", 4}};
    if (!push_url.empty()) {
        body["push_url"] = push_url;
    }
    auto registered = ApiClient(port, "").post("/api/v1/sim/register", body).body;
    return {registered.at("simulator_id"), registered.at("api_key")};
}

// Every item of a paged list (`items`, `next`), following `cursor_param` 500 at a time; throws
// when a page is not answered 200.
inline std::vector<nlohmann::json> all_items(const ApiClient& api, const std::string& path,
                                             const std::string& cursor_param) {
    std::vector<nlohmann::json> items;
    std::string next;
    for (int page = 0; page < 1000; ++page) {
        const char sep = path.find('?') == std::string::npos ? '?' : '&';
        auto result = api.get(path + sep + "limit=500" +
                              (next.empty() ? "" : "&" + cursor_param + "=" + next));
        if (result.status != 200) {
            throw std::runtime_error("GET " + path + " answered " + std::to_string(result.status) +
                                     ": " + result.raw);
        }
        for (auto& item : result.body.at("items")) {
            items.push_back(item);
        }
        if (result.body.at("next").is_null()) {
            break;
        }
        next = result.body.at("next");
    }
    return items;
}

}  // namespace vergegrid::test
