// The receiving side of the event bus benchmark: webhook receivers (a Poco HTTP server each, on
// 127.0.0.1, answering 204 at once or after a delay) and a throwaway `nats-server -js` whose
// stream is counted through its monitoring endpoint.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_process.hpp"

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class HTTPServer;
}

namespace vergegrid::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

// One POST the receiver got: when its body had been read, and the CloudEvent's type and subject.
struct Arrival {
    SteadyTime at;
    std::string type;
    std::string subject;
};

// A webhook endpoint of its own (own port, own threads), so that a slow one cannot hold up a fast
// one inside the benchmark either: only the control plane's dispatcher is measured.
class WebhookReceiver {
  public:
    explicit WebhookReceiver(std::chrono::milliseconds delay);
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    std::string url() const;
    std::chrono::milliseconds delay() const { return delay_; }
    // Events of `type` received so far (repeats included).
    std::size_t count(const std::string& type) const;
    std::vector<Arrival> arrivals() const;
    // Answers every request at once from now on (a slow receiver, so that shutdown does not wait
    // for its deliveries).
    void release();

    // The handler's side.
    void record(Arrival arrival);
    void wait_delay();

  private:
    std::chrono::milliseconds delay_;
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable released_;
    bool release_ = false;
    std::vector<Arrival> arrivals_;
};

// Delivery figures of one receiver for the region.created events of the run: `answered` holds,
// by region id, when its create's answer came back.
nlohmann::json delivery_figures(const std::vector<Arrival>& arrivals,
                                const std::vector<std::string>& ids,
                                const std::vector<SteadyTime>& answered);

// nats-server -js on free loopback ports (clients and monitoring), its store in `store`.
class NatsServer {
  public:
    explicit NatsServer(const std::filesystem::path& store);
    ~NatsServer();
    NatsServer(const NatsServer&) = delete;
    NatsServer& operator=(const NatsServer&) = delete;

    std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    int pid() const { return process_ ? process_->pid() : -1; }

    struct StreamState {
        std::uint64_t messages = 0;
        std::string last_ts;  // RFC 3339 with nanoseconds, the server's wall clock
    };
    // The stream's state from GET /jsz?streams=true; nullopt while it does not exist.
    std::optional<StreamState> stream(const std::string& name) const;

  private:
    std::uint16_t port_ = 0;
    std::uint16_t monitor_port_ = 0;
    std::unique_ptr<Child> process_;
};

// A loopback TCP port nothing listens on right now.
std::uint16_t unclaimed_port();

// RFC 3339 UTC text with optional fraction ("2026-12-05T08:00:00.123456789Z") as a system time.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);

}  // namespace vergegrid::bench
