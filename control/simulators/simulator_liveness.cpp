#include "control/simulators/simulator_liveness.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {

std::chrono::milliseconds check_period(std::chrono::seconds offline_after) {
    const auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(offline_after) / 4;
    return std::clamp(quarter, std::chrono::milliseconds(100), std::chrono::milliseconds(10'000));
}

// Each check is a request of its own in the audit trail: 32 hex digits, like an HTTP request's.
std::string check_id() {
    std::string id = new_uuid();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    return id;
}

}  // namespace

SimulatorLiveness::SimulatorLiveness(std::shared_ptr<SimulatorService> simulators,
                                     std::chrono::seconds offline_after,
                                     std::shared_ptr<spdlog::logger> log,
                                     std::shared_ptr<const Leadership> leadership)
    : simulators_(std::move(simulators)),
      offline_after_(offline_after),
      log_(std::move(log)),
      leadership_(std::move(leadership)),
      thread_([this] { run(); }) {}

SimulatorLiveness::~SimulatorLiveness() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_requested_.notify_all();
    thread_.join();
}

void SimulatorLiveness::run() {
    const auto period = check_period(offline_after_);
    std::unique_lock lock(mutex_);
    while (!stop_requested_.wait_for(lock, period, [this] { return stopping_; })) {
        lock.unlock();
        try {
            if (may_lead(leadership_.get())) {
                sweep();
            }
        } catch (const std::exception& e) {
            // Storage busy or closing: the next round tries again.
            log_->warn("simulator liveness check failed: {}", e.what());
        }
        lock.lock();
    }
}

int SimulatorLiveness::sweep() {
    const std::string cutoff = iso8601_plus_seconds(now_iso8601(), -offline_after_.count());
    const auto gone = simulators_->mark_silent_offline(Actor{kLivenessActor, check_id()}, cutoff);
    for (const auto& simulator : gone) {
        log_->warn("simulator {} ({}) is offline: no heartbeat since {}", simulator.id,
                   simulator.hostname, simulator.last_heartbeat_at);
    }
    return static_cast<int>(gone.size());
}

}  // namespace vergegrid::control
