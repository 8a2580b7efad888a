// Runs the rollout engine on one thread (docs/rollouts.md): every running rollout moved on
// (deadlines, the pause between waves, the next regions) every `every`; with several control
// planes on the leader only. Results move rollouts on without it, in their own transaction.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <memory>

#include "control/common/leadership.hpp"
#include "control/common/periodic_thread.hpp"
#include "control/rollouts/rollout_service.hpp"

namespace vergegrid::control {

class RolloutEngine {
  public:
    RolloutEngine(std::shared_ptr<const RolloutService> rollouts,
                  std::shared_ptr<spdlog::logger> log,
                  std::shared_ptr<const Leadership> leadership = nullptr,
                  std::chrono::milliseconds every = std::chrono::seconds(2));
    void wake() { thread_.wake(); }

  private:
    void tick();

    std::shared_ptr<const RolloutService> rollouts_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<const Leadership> leadership_;
    PeriodicThread thread_;  // last: stopped before the members its ticks use
};

}  // namespace vergegrid::control
