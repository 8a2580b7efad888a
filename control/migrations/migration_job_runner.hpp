// Runs the migration service's background job on one thread: moves whose step waited longer
// than migration.step_timeout_s fail (every 10 s). A job that fails is logged and tried again.
#pragma once

#include <spdlog/fwd.h>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "control/migrations/migration_service.hpp"

namespace vergegrid::control {

class MigrationJobRunner {
  public:
    MigrationJobRunner(std::shared_ptr<const MigrationService> migrations,
                       std::shared_ptr<spdlog::logger> log);
    ~MigrationJobRunner();
    MigrationJobRunner(const MigrationJobRunner&) = delete;
    MigrationJobRunner& operator=(const MigrationJobRunner&) = delete;

  private:
    void run();

    std::shared_ptr<const MigrationService> migrations_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vergegrid::control
