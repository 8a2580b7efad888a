#include "control/rollouts/rollout_engine.hpp"

#include <spdlog/spdlog.h>

namespace vergegrid::control {

RolloutEngine::RolloutEngine(std::shared_ptr<const RolloutService> rollouts,
                             std::shared_ptr<spdlog::logger> log,
                             std::shared_ptr<const Leadership> leadership,
                             std::chrono::milliseconds every)
    : rollouts_(std::move(rollouts)),
      log_(std::move(log)),
      leadership_(std::move(leadership)),
      thread_(every, [this] { tick(); }) {}

void RolloutEngine::tick() {
    if (!may_lead(leadership_.get())) {
        return;
    }
    try {
        rollouts_->advance_all();
    } catch (const std::exception& e) {
        log_->warn("rollout engine: {}", e.what());
    }
}

}  // namespace vergegrid::control
