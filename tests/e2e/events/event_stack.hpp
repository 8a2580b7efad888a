// What the event bus's end-to-end tests share: a vergegrid-control with its own data directory and
// INI file that can be killed and started again on the same data, and the calls the tests make
// (estates, regions, webhooks, the outbox read back page by page, delivery logs, the webhook
// signature computed independently of the webhook plugin).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

namespace vergegrid::test {

// vergegrid-control on 127.0.0.1 (a port of its choosing each start), data in a temporary
// directory, configured by an INI file: webhooks may use plain http, plus `ini` (sections and
// keys of the test).
class EventControlPlane {
  public:
    explicit EventControlPlane(const std::string& ini = "");
    // Starts it (again, on the same data); throws with its output when it does not come up.
    void start();
    // SIGKILL: no shutdown of any kind.
    void kill();
    // SIGTERM and the clean exit.
    void stop();

    const ApiClient& api() const { return *api_; }
    std::uint16_t port() const { return process_->port(); }
    std::filesystem::path database() const { return dir_.path() / "data" / "vergegrid.db"; }
    std::string output() const { return process_ ? process_->process().output() : ""; }

  private:
    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> process_;
    std::unique_ptr<ApiClient> api_;
};

// POST /api/v1/estates; throws unless 201. Returns the estate's id.
std::string create_estate(const ApiClient& api, const std::string& name);
// A valid region body: estate `estate_id`, the n-th 256 m cell of a row, host sim1.example.org.
nlohmann::json region_body(const std::string& estate_id, int n);
// POST /api/v1/regions; throws unless 201. Returns the region.
nlohmann::json create_region(const ApiClient& api, const std::string& estate_id, int n);
// PATCH /api/v1/regions/{id} with a new water height; throws unless 200.
void update_region(const ApiClient& api, const std::string& region_id, double water_height);

// POST /api/v1/webhooks {url, secret, ...extra}; throws unless 201. Returns the webhook.
nlohmann::json create_webhook(const ApiClient& api, const std::string& url,
                              const std::string& secret,
                              const nlohmann::json& extra = nlohmann::json::object());

struct OutboxItem {
    std::int64_t seq = 0;
    nlohmann::json event;  // the CloudEvent
    std::string id() const { return event.at("id"); }
    std::string type() const { return event.at("type"); }
    std::string subject() const { return event.at("subject"); }
};

// GET /api/v1/events after `after`, every page, oldest first; `query` adds filters
// ("type=...&subject=...").
std::vector<OutboxItem> outbox(const ApiClient& api, std::int64_t after = 0,
                               const std::string& query = "");
// The outbox's newest seq (0 when empty).
std::int64_t outbox_head(const ApiClient& api);
// GET /api/v1/event-subscriptions/{id}/deliveries?state=<state> (newest first, one page of 500).
std::vector<nlohmann::json> deliveries(const ApiClient& api, const std::string& subscription_id,
                                       const std::string& state);
// The subscription as GET /api/v1/event-subscriptions lists it (null when not there).
nlohmann::json subscription(const ApiClient& api, const std::string& id);

// "sha256=" + lower-case hex of HMAC-SHA256(secret, "<timestamp>.<body>") (OpenSSL).
std::string expected_signature(const std::string& secret, const std::string& timestamp,
                               const std::string& body);

}  // namespace vergegrid::test
