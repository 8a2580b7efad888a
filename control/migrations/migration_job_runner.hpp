// Runs the migration service's background job on one thread: moves whose step waited longer
// than migration.step_timeout_s fail (every 10 s). A job that fails is logged and tried again.
#pragma once

#include <spdlog/fwd.h>

#include <memory>

#include "control/common/periodic_thread.hpp"
#include "control/migrations/migration_service.hpp"

namespace vergegrid::control {

class MigrationJobRunner {
  public:
    MigrationJobRunner(std::shared_ptr<const MigrationService> migrations,
                       std::shared_ptr<spdlog::logger> log);

  private:
    void tick();

    std::shared_ptr<const MigrationService> migrations_;
    std::shared_ptr<spdlog::logger> log_;
    PeriodicThread thread_;  // last: stopped before the members its ticks use
};

}  // namespace vergegrid::control
