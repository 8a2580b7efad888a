// Rings bridges' doorbells: one small POST {"pull":true} to a push URL, over TLS for https://
// (the certificate verified against simulators.push_ca_file, or the system's CAs). Several rings
// run at once on a few threads, each under one total deadline (connect, handshake, send and the
// status line together), so a slow or silent push URL delays nobody else's. A simulator has at
// most one ring queued and one in flight: a burst of operations is one ring (plus one after the
// ring in flight, so that none is lost).
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace vergegrid::control {

struct DoorbellSettings {
    std::chrono::milliseconds deadline{3000};  // per ring, everything included
    int threads = 4;
    std::optional<std::filesystem::path> ca_file;  // unset: the system's CA store
    std::size_t max_queued = 10000;
};

class DoorbellRinger {
  public:
    DoorbellRinger(DoorbellSettings settings, std::shared_ptr<spdlog::logger> log);
    ~DoorbellRinger();
    DoorbellRinger(const DoorbellRinger&) = delete;
    DoorbellRinger& operator=(const DoorbellRinger&) = delete;

    // Never blocks on the network.
    void ring(const std::string& simulator_id, const std::string& url);

  private:
    class Watchdog;
    void work();
    void ring_now(const std::string& simulator_id, const std::string& url);

    DoorbellSettings settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<Watchdog> watchdog_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::pair<std::string, std::string>> queue_;  // simulator id, URL
    std::set<std::string> queued_;                           // simulator ids in queue_
    std::map<std::string, std::string> again_;               // rung while in flight: ring once more
    std::set<std::string> in_flight_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace vergegrid::control
