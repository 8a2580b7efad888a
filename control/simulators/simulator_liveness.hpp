// Moves online simulators whose heartbeats stopped to `offline`, persisted and audited under the
// system identity, so that placement never gives them new regions; the decision is
// SimulatorService::mark_silent_offline's, this only runs it on time. The next heartbeat brings a
// simulator back online. Registered simulators that never beat,
// cordoned and revoked ones keep their state.
#pragma once

#include <spdlog/fwd.h>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "control/common/leadership.hpp"
#include "control/simulators/simulator_service.hpp"

namespace vergegrid::control {

// The audit actor of changes nobody asked for.
inline constexpr const char* kLivenessActor = "system:liveness";

class SimulatorLiveness {
  public:
    // Checks several times per `offline_after` (at most every 10 s) on its own thread.
    // With several control planes the checks run on the leader only (null: always).
    SimulatorLiveness(std::shared_ptr<SimulatorService> simulators,
                      std::chrono::seconds offline_after, std::shared_ptr<spdlog::logger> log,
                      std::shared_ptr<const Leadership> leadership = nullptr);
    ~SimulatorLiveness();
    SimulatorLiveness(const SimulatorLiveness&) = delete;
    SimulatorLiveness& operator=(const SimulatorLiveness&) = delete;

    // One check now; returns how many simulators went offline.
    int sweep();

  private:
    void run();

    std::shared_ptr<SimulatorService> simulators_;
    std::chrono::seconds offline_after_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<const Leadership> leadership_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vergegrid::control
