#include "control/migrations/migration_job_runner.hpp"

#include <spdlog/spdlog.h>

#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {

constexpr auto kEvery = std::chrono::seconds(10);

}  // namespace

MigrationJobRunner::MigrationJobRunner(std::shared_ptr<const MigrationService> migrations,
                                       std::shared_ptr<spdlog::logger> log,
                                       std::shared_ptr<const Leadership> leadership)
    : migrations_(std::move(migrations)),
      log_(std::move(log)),
      leadership_(std::move(leadership)),
      thread_(kEvery, [this] { tick(); }) {}

void MigrationJobRunner::tick() {
    if (!may_lead(leadership_.get())) {
        return;
    }
    try {
        if (const int failed = migrations_->fail_stalled(now_iso8601()); failed > 0) {
            log_->warn("migration watch: {} move(s) failed on a step that never ended", failed);
        }
    } catch (const std::exception& e) {
        log_->warn("migration watch failed: {}", e.what());
    }
}

}  // namespace vergegrid::control
