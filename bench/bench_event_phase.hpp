// api_bench's event bus part (--webhooks, --slow-webhooks, --nats, --deliver-after-creates): the
// receivers subscribed before the creates, then how fast the region.created events of the run
// reached each of them.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_events.hpp"
#include "bench_load.hpp"

namespace vergegrid::bench {

struct EventOptions {
    int webhooks = 0;       // receivers answering 204 at once
    int slow_webhooks = 0;  // receivers answering 204 after slow_ms
    int slow_ms = 2000;
    bool nats = false;  // a throwaway nats-server -js and [events] sinks = webhook,nats
    // Webhooks paused during the creates and resumed once they are done: the outbox's drain rate
    // rather than delivery while creates run. NATS is always live (its subscription is configured,
    // not made through the API).
    bool deliver_after_creates = false;
    int wait_s = 120;  // how long the deliveries may take after the last create

    bool any() const { return webhooks > 0 || slow_webhooks > 0 || nats; }
};

class EventPhase {
  public:
    // Starts nats-server (store under `scratch`) when asked for.
    EventPhase(EventOptions options, const std::filesystem::path& scratch);
    ~EventPhase();
    EventPhase(const EventPhase&) = delete;
    EventPhase& operator=(const EventPhase&) = delete;

    // What the started control plane needs: allow_http for the receivers, the NATS sink.
    std::map<std::string, std::string> control_env() const;
    int nats_pid() const { return nats_ ? nats_->pid() : -1; }

    // Starts the receivers and subscribes one webhook to each; with NATS, waits until the sink has
    // delivered everything so far. Throws on any refusal.
    void subscribe(Client& admin);
    // The outbox's last seq now (call right before the creates).
    void before_creates(Client& admin);
    // Waits (at most wait_s, or until `stop`) for every region.created of `ids` at every fast
    // receiver and every event at NATS, then prints and returns the figures. `answered[i]` is when
    // create i's answer came back.
    nlohmann::json after_creates(Client& admin, const std::vector<std::string>& ids,
                                 const std::vector<SteadyTime>& answered,
                                 const std::atomic<bool>& stop);

    // Every slow receiver answers at once from now on.
    void release();

  private:
    std::int64_t last_seq(Client& admin) const;
    std::optional<std::int64_t> subscription_lag(Client& admin, const std::string& id) const;

    EventOptions options_;
    std::filesystem::path store_;
    std::unique_ptr<NatsServer> nats_;
    std::vector<std::unique_ptr<WebhookReceiver>> receivers_;  // fast ones first, then slow ones
    std::vector<std::string> webhook_ids_;
    std::int64_t seq_before_ = 0;
    std::uint64_t nats_before_ = 0;

    // NATS is watched by polling its stream's message count every 10 ms from the first create on,
    // in a thread of its own; the webhook receivers time their own arrivals.
    void watch_nats();
    std::thread nats_watch_;
    std::atomic<bool> nats_watch_stop_{false};
    std::atomic<std::uint64_t> nats_expected_{UINT64_MAX};
    std::mutex nats_mutex_;
    std::optional<SteadyTime> nats_first_;
    std::optional<SteadyTime> nats_done_;
    NatsServer::StreamState nats_state_;
    std::string nats_error_;
};

}  // namespace vergegrid::bench
