// Runs the migration service's background job on one thread: moves whose step waited longer
// than migration.step_timeout_s fail (every 10 s). A job that fails is logged and tried again.
#pragma once

#include <spdlog/fwd.h>

#include <memory>

#include "control/common/leadership.hpp"
#include "control/common/periodic_thread.hpp"
#include "control/migrations/migration_service.hpp"

namespace vergegrid::control {

class MigrationJobRunner {
  public:
    // With several control planes the job runs on the leader only (null: always).
    MigrationJobRunner(std::shared_ptr<const MigrationService> migrations,
                       std::shared_ptr<spdlog::logger> log,
                       std::shared_ptr<const Leadership> leadership = nullptr);

  private:
    void tick();

    std::shared_ptr<const MigrationService> migrations_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<const Leadership> leadership_;
    PeriodicThread thread_;  // last: stopped before the members its ticks use
};

}  // namespace vergegrid::control
