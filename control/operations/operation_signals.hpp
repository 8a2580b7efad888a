// Wakes the long polls of a simulator when an operation for it is queued, and rings its doorbell:
// a small POST to the bridge's push URL that only tells it to pull. Nothing the bridge executes
// travels by push, so a lost, forged or replayed doorbell costs at most one extra pull.
#pragma once

#include <spdlog/fwd.h>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace vergegrid::control {

class OperationSignals {
  public:
    explicit OperationSignals(std::shared_ptr<spdlog::logger> log);
    ~OperationSignals();
    OperationSignals(const OperationSignals&) = delete;
    OperationSignals& operator=(const OperationSignals&) = delete;

    // After the queueing transaction committed: wake waiting pulls; ring the doorbell when a
    // push URL is known. Never blocks on the network.
    void notify(const std::string& simulator_id, const std::string& push_url);

    // Blocks until notify() for this simulator or the deadline; returns the generation seen, so
    // a notification between the caller's check and its wait is never lost.
    std::uint64_t generation(const std::string& simulator_id);
    void wait(const std::string& simulator_id, std::uint64_t seen,
              std::chrono::steady_clock::time_point deadline);

  private:
    void ring_doorbells();

    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::uint64_t> generations_;
    std::deque<std::pair<std::string, std::string>> doorbells_;  // simulator id, URL
    std::condition_variable doorbell_ready_;
    bool stopping_ = false;
    std::thread ringer_;
};

}  // namespace vergegrid::control
