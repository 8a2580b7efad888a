// Many simulated sim bridges on one thread: each keeps one non-blocking keep-alive connection to
// the control plane, long-polls GET /api/v1/sim/operations?wait=S with its own API key, reports
// every operation it receives as succeeded, and polls again. An epoll loop drives them all, so
// 10,000 bridges cost one thread, not 10,000.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vergegrid::bench {

class BridgeSwarm {
  public:
    using Clock = std::chrono::steady_clock;

    struct Bridge {
        std::string simulator_id;
        std::string api_key;
    };

    // Connects `connects_per_tick` bridges every 10 ms (a burst of thousands of connects would
    // overflow the server's listen backlog).
    BridgeSwarm(std::uint16_t port, std::vector<Bridge> bridges, int wait_s,
                int connects_per_tick = 50);
    ~BridgeSwarm();
    BridgeSwarm(const BridgeSwarm&) = delete;
    BridgeSwarm& operator=(const BridgeSwarm&) = delete;

    // When each operation ("<region id>:<kind>") first reached its bridge.
    std::map<std::string, Clock::time_point> arrivals() const;
    bool has_arrived(const std::string& key) const;

    struct Counters {
        std::uint64_t connected = 0;        // connections open now
        std::uint64_t polls_sent = 0;       // long polls sent
        std::uint64_t polls_empty = 0;      // answered with no operation (the wait ended)
        std::uint64_t operations = 0;       // operations received
        std::uint64_t results = 0;          // results reported (200)
        std::uint64_t errors = 0;           // non-2xx answers, resets, reconnects
        std::uint64_t bridges_waiting = 0;  // bridges with a poll out and no answer yet
    };
    Counters counters() const;
    std::string first_error() const;

  private:
    struct Connection;
    void run();

    std::uint16_t port_;
    std::vector<Bridge> bridges_;
    int wait_s_;
    int connects_per_tick_;
    int epoll_fd_ = -1;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::map<std::string, Clock::time_point> arrivals_;
    Counters counters_;
    std::string first_error_;
    std::thread thread_;
};

}  // namespace vergegrid::bench
