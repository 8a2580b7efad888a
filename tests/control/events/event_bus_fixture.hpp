// The event bus over real SQLite storage: a Store whose consumers are the audit trail and the
// outbox writer, as the composition wires them, and a sink the test controls.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "control/events/event_outbox_writer.hpp"
#include "control/events/event_sinks.hpp"
#include "tests/control/service_fixture.hpp"

namespace vergegrid::test {

// An in-process event sink: records what it is handed, fails while told to, answers as slowly
// as told. The plugins' own tests deliver to real receivers; this one tests the dispatcher.
class RecordingSink final : public plugin_api::EventSink {
  public:
    bool configured_destination() const override { return configured; }
    std::string check_target(const std::string& target) override {
        const auto parsed = nlohmann::json::parse(target);
        if (!parsed.contains("url") || parsed.at("url").get<std::string>().rfind("https://", 0)) {
            throw plugin_api::TargetError("url", "must be an https:// URL");
        }
        if (parsed.value("secret", "").size() < 16) {
            throw plugin_api::TargetError("secret", "must be 16 to 256 bytes");
        }
        return parsed.dump();
    }
    std::vector<plugin_api::SinkAttempt> deliver(
        const plugin_api::SinkTarget& target,
        const std::vector<plugin_api::OutboxEvent>& events) override {
        std::vector<plugin_api::SinkAttempt> attempts;
        for (const auto& event : events) {
            if (delay.count() > 0) {
                std::this_thread::sleep_for(delay);
            }
            std::lock_guard lock(mutex_);
            if (failing) {
                attempts.push_back({false, 503, 1, "HTTP 503"});
                ++failures_;
                break;
            }
            received_.push_back({target.subscription_id, event});
            attempts.push_back({true, 204, 1, ""});
        }
        arrived_.notify_all();
        return attempts;
    }

    struct Received {
        std::string subscription;
        plugin_api::OutboxEvent event;
    };
    std::vector<Received> received() {
        std::lock_guard lock(mutex_);
        return received_;
    }
    int failures() {
        std::lock_guard lock(mutex_);
        return failures_;
    }
    // Waits until `count` events arrived for `subscription` (any, when "").
    bool wait_for(std::size_t count, const std::string& subscription = "",
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, timeout, [&] {
            std::size_t n = 0;
            for (const auto& r : received_) {
                n += subscription.empty() || r.subscription == subscription ? 1 : 0;
            }
            return n >= count;
        });
    }

    std::atomic<bool> failing{false};
    std::chrono::milliseconds delay{0};
    bool configured = false;

  private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<Received> received_;
    int failures_ = 0;
};

class EventBusFixture : public ServiceFixture {
  protected:
    control::Store events_store() {
        return control::Store(
            storage_, std::make_shared<const control::EventConsumers>(control::EventConsumers{
                          std::make_shared<control::AuditTrail>(),
                          std::make_shared<control::EventOutboxWriter>("/test", signals_)}));
    }

    // One published event per call (an estate-like entity the test names).
    void change(const std::string& id, const std::string& verb = "create") {
        events_store().command(actor(), [&](control::Changes& changes) {
            changes.record({"estate." + verb, "estate", id, nullptr, {{"id", id}}});
        });
    }

    std::vector<plugin_api::OutboxEvent> outbox() {
        return store().read([](plugin_api::StorageTransaction& tx) {
            return dynamic_cast<plugin_api::EventOutbox&>(tx).list_events_after(0, 10000);
        });
    }

    std::shared_ptr<control::EventSignals> signals_ = std::make_shared<control::EventSignals>();
};

}  // namespace vergegrid::test
