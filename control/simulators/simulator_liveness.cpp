#include "control/simulators/simulator_liveness.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/simulators/simulator_routes.hpp"
#include "kernel/http/request_id.hpp"

namespace vergegrid::control {

namespace {

bool is_stale(const plugin_api::Simulator& simulator, const std::string& cutoff) {
    return simulator.state == "online" && !simulator.last_heartbeat_at.empty() &&
           simulator.last_heartbeat_at < cutoff;
}

std::chrono::milliseconds check_period(std::chrono::seconds offline_after) {
    const auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(offline_after) / 4;
    return std::clamp(quarter, std::chrono::milliseconds(100), std::chrono::milliseconds(10'000));
}

}  // namespace

SimulatorLiveness::SimulatorLiveness(Store store, std::chrono::seconds offline_after,
                                     std::shared_ptr<spdlog::logger> log)
    : store_(store),
      offline_after_(offline_after),
      log_(std::move(log)),
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
            sweep();
        } catch (const std::exception& e) {
            // Storage busy or closing: the next round tries again.
            log_->warn("simulator liveness check failed: {}", e.what());
        }
        lock.lock();
    }
}

int SimulatorLiveness::sweep() {
    const std::string cutoff = iso8601_plus_seconds(now_iso8601(), -offline_after_.count());
    // The common case (everyone beating) costs one read; only stale simulators take the write
    // lock, and each is checked again inside the write so a heartbeat that just landed wins.
    const auto stale = store_.read([&](plugin_api::StorageTransaction& tx) {
        std::vector<std::string> ids;
        for (const auto& simulator : access_store(tx).list_simulators()) {
            if (is_stale(simulator, cutoff)) {
                ids.push_back(simulator.id);
            }
        }
        return ids;
    });
    if (stale.empty()) {
        return 0;
    }
    return store_.write([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        kernel::http::Request system;
        system.caller.subject = kLivenessActor;
        system.caller.role = "system";
        system.request_id = kernel::http::new_request_id();
        int changed = 0;
        for (const auto& id : stale) {
            const auto before = access.find_simulator(id);
            if (!before || !is_stale(*before, cutoff)) {
                continue;
            }
            auto after = *before;
            after.state = "offline";
            access.update_simulator(after);
            record_audit(tx, system, "simulator.offline", "simulator", id,
                         simulator_to_json(*before), simulator_to_json(after));
            log_->warn("simulator {} ({}) is offline: no heartbeat since {}", id, after.hostname,
                       after.last_heartbeat_at);
            ++changed;
        }
        return changed;
    });
}

}  // namespace vergegrid::control
