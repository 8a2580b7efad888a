// Runs the snapshot service's background jobs on time, on one thread: saves that never end
// (every 10 s), the premium schedule (every minute at most) and retention
// (snapshots.retention_interval_s). A job that fails is logged and tried again next time.
#pragma once

#include <spdlog/fwd.h>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "control/snapshots/snapshot_service.hpp"

namespace vergegrid::control {

class SnapshotJobRunner {
  public:
    SnapshotJobRunner(std::shared_ptr<const SnapshotService> snapshots,
                      std::shared_ptr<spdlog::logger> log);
    ~SnapshotJobRunner();
    SnapshotJobRunner(const SnapshotJobRunner&) = delete;
    SnapshotJobRunner& operator=(const SnapshotJobRunner&) = delete;

  private:
    void run();

    std::shared_ptr<const SnapshotService> snapshots_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vergegrid::control
