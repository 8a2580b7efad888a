// The nats event sink: publishes each event to a JetStream stream and waits for the stream's
// acknowledgement, so "delivered" means stored (docs/events.md, "NATS"). Connects when first
// needed and again after any failure; a failure is an attempt with its error, never a throw.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/event_sink.hpp"

struct __natsConnection;
struct __jsCtx;

namespace vergegrid::event_sink {

struct NatsSettings {
    std::string url = "nats://127.0.0.1:4222";
    std::string stream = "VERGEGRID";
    std::string subject_prefix = "vergegrid";
    bool create_stream = true;
    std::optional<std::filesystem::path> credentials_file;
    std::int64_t publish_timeout_ms = 5000;
};

class NatsSink final : public plugin_api::EventSink {
  public:
    explicit NatsSink(NatsSettings settings);
    ~NatsSink() override;
    NatsSink(const NatsSink&) = delete;
    NatsSink& operator=(const NatsSink&) = delete;

    bool configured_destination() const override { return true; }
    std::string check_target(const std::string& target) override;
    std::vector<plugin_api::SinkAttempt> deliver(
        const plugin_api::SinkTarget& target,
        const std::vector<plugin_api::OutboxEvent>& events) override;

  private:
    // Empty when connected (and the stream is there); why not otherwise, by `end` at the
    // latest. Caller holds mutex_.
    std::string connect(std::chrono::steady_clock::time_point end);
    void disconnect();

    NatsSettings settings_;
    std::mutex mutex_;  // one subscription, but the host may still call from two threads
    __natsConnection* connection_ = nullptr;
    __jsCtx* jetstream_ = nullptr;
};

}  // namespace vergegrid::event_sink
