#include "tests/e2e/events/event_stack.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace vergegrid::test {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

JsonResult expect_status(JsonResult result, int status, const std::string& what) {
    if (result.status != status) {
        throw std::runtime_error(what + " answered " + std::to_string(result.status) + ": " +
                                 result.raw);
    }
    return result;
}

}  // namespace

EventControlPlane::EventControlPlane(const std::string& ini) {
    std::ofstream(dir_.path() / "control.ini") << "[event_sink.webhook]\nallow_http = true\n"
                                               << ini << "\n";
    start();
}

void EventControlPlane::start() {
    process_.reset();
    process_ = std::make_unique<ControlPlaneProcess>(
        std::vector<std::string>{"--config", (dir_.path() / "control.ini").string(), "--listen",
                                 "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
    if (!process_->started()) {
        throw std::runtime_error("vergegrid-control did not start:\n" + output());
    }
    api_ = std::make_unique<ApiClient>(process_->port());
}

void EventControlPlane::kill() {
    process_->process().send_signal(SIGKILL);
    if (process_->process().wait_for_exit(10s) != -SIGKILL) {
        throw std::runtime_error("vergegrid-control did not die of SIGKILL");
    }
}

void EventControlPlane::stop() {
    process_->process().send_signal(SIGTERM);
    if (process_->process().wait_for_exit(30s) != 0) {
        throw std::runtime_error("vergegrid-control did not exit 0 on SIGTERM:\n" + output());
    }
}

std::string create_estate(const ApiClient& api, const std::string& name) {
    return expect_status(api.post("/api/v1/estates", {{"name", name}, {"owner", "Event Tester"}}),
                         201, "POST /api/v1/estates")
        .body.at("id");
}

json region_body(const std::string& estate_id, int n) {
    return {{"name", "Events " + std::to_string(n)},
            {"estate_id", estate_id},
            {"loc_x", 1000 + n},
            {"loc_y", 1000},
            {"port", 9000 + n},
            {"host", "sim1.example.org"}};
}

json create_region(const ApiClient& api, const std::string& estate_id, int n) {
    return expect_status(api.post("/api/v1/regions", region_body(estate_id, n)), 201,
                         "POST /api/v1/regions")
        .body;
}

void update_region(const ApiClient& api, const std::string& region_id, double water_height) {
    expect_status(api.patch("/api/v1/regions/" + region_id,
                            {{"environment", {{"water_height", water_height}}}}),
                  200, "PATCH /api/v1/regions/" + region_id);
}

json create_webhook(const ApiClient& api, const std::string& url, const std::string& secret,
                    const json& extra) {
    json body = {{"url", url}, {"secret", secret}};
    body.update(extra);
    return expect_status(api.post("/api/v1/webhooks", body), 201, "POST /api/v1/webhooks").body;
}

std::vector<OutboxItem> outbox(const ApiClient& api, std::int64_t after, const std::string& query) {
    std::vector<OutboxItem> items;
    for (int page = 0; page < 10000; ++page) {
        const auto result =
            expect_status(api.get("/api/v1/events?limit=500&after=" + std::to_string(after) +
                                  (query.empty() ? "" : "&" + query)),
                          200, "GET /api/v1/events");
        for (const auto& item : result.body.at("items")) {
            items.push_back({item.at("seq").get<std::int64_t>(), item.at("event")});
        }
        const std::int64_t last = result.body.at("last_seq");
        if (last == after) {
            break;
        }
        after = last;
    }
    return items;
}

std::int64_t outbox_head(const ApiClient& api) {
    const auto all = outbox(api);
    return all.empty() ? 0 : all.back().seq;
}

std::vector<json> deliveries(const ApiClient& api, const std::string& subscription_id,
                             const std::string& state) {
    const auto result = expect_status(api.get("/api/v1/event-subscriptions/" + subscription_id +
                                              "/deliveries?limit=500&state=" + state),
                                      200, "GET deliveries");
    return result.body.at("items").get<std::vector<json>>();
}

json subscription(const ApiClient& api, const std::string& id) {
    const auto result = expect_status(api.get("/api/v1/event-subscriptions"), 200,
                                      "GET /api/v1/event-subscriptions");
    for (const auto& item : result.body.at("items")) {
        if (item.at("id") == id) {
            return item;
        }
    }
    return nullptr;
}

std::string expected_signature(const std::string& secret, const std::string& timestamp,
                               const std::string& body) {
    const std::string signed_text = timestamp + "." + body;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), digest,
         &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xf];
    }
    return out;
}

}  // namespace vergegrid::test
