// Moves online simulators whose heartbeats stopped to `offline`, persisted and audited under the
// system identity, so that placement never gives them new regions. The next heartbeat brings a
// simulator back online (the heartbeat route does that). Registered simulators that never beat,
// cordoned and revoked ones keep their state.
#pragma once

#include <spdlog/fwd.h>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "control/domain/store.hpp"

namespace vergegrid::control {

// The audit actor of changes nobody asked for.
inline constexpr const char* kLivenessActor = "system:liveness";

class SimulatorLiveness {
  public:
    // Checks several times per `offline_after` (at most every 10 s) on its own thread.
    SimulatorLiveness(Store store, std::chrono::seconds offline_after,
                      std::shared_ptr<spdlog::logger> log);
    ~SimulatorLiveness();
    SimulatorLiveness(const SimulatorLiveness&) = delete;
    SimulatorLiveness& operator=(const SimulatorLiveness&) = delete;

    // One check now; returns how many simulators went offline.
    int sweep();

  private:
    void run();

    Store store_;
    std::chrono::seconds offline_after_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vergegrid::control
