// Runs the snapshot service's background jobs on time, on one thread: saves that never end
// (every 10 s), the premium schedule (every minute at most) and retention
// (snapshots.retention_interval_s). A job that fails is logged and tried again next time.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <memory>

#include "control/common/leadership.hpp"
#include "control/common/periodic_thread.hpp"
#include "control/snapshots/snapshot_service.hpp"

namespace vergegrid::control {

class SnapshotJobRunner {
  public:
    // With several control planes the jobs run on the leader only (null: always).
    SnapshotJobRunner(std::shared_ptr<const SnapshotService> snapshots,
                      std::shared_ptr<spdlog::logger> log,
                      std::shared_ptr<const Leadership> leadership = nullptr);

  private:
    using Clock = std::chrono::steady_clock;
    void tick();

    std::shared_ptr<const SnapshotService> snapshots_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<const Leadership> leadership_;
    Clock::time_point watch_due_;
    Clock::time_point schedule_due_;
    Clock::time_point retention_due_;
    PeriodicThread thread_;  // last: stopped before the members its ticks use
};

}  // namespace vergegrid::control
