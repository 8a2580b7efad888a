#include "control/snapshots/snapshot_job_runner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {

using Clock = std::chrono::steady_clock;

// Runs `job` when it is due and says when it is due next.
template <typename Job>
void run_when_due(Clock::time_point& due, std::chrono::seconds every, spdlog::logger& log,
                  const char* name, Job&& job) {
    if (Clock::now() < due) {
        return;
    }
    due = Clock::now() + every;
    try {
        if (const int changed = job(now_iso8601()); changed > 0) {
            log.info("snapshot {}: {} snapshot(s)", name, changed);
        }
    } catch (const DomainError& e) {
        // A storage without snapshots says so once at start-up, not every ten seconds.
        if (e.code() != "snapshots_unavailable") {
            log.warn("snapshot {} failed: {}", name, e.what());
        }
    } catch (const std::exception& e) {
        log.warn("snapshot {} failed: {}", name, e.what());
    }
}

}  // namespace

SnapshotJobRunner::SnapshotJobRunner(std::shared_ptr<const SnapshotService> snapshots,
                                     std::shared_ptr<spdlog::logger> log,
                                     std::shared_ptr<const Leadership> leadership)
    : snapshots_(std::move(snapshots)),
      log_(std::move(log)),
      leadership_(std::move(leadership)),
      watch_due_(Clock::now()),
      schedule_due_(Clock::now()),
      retention_due_(Clock::now() + snapshots_->settings().retention_interval),
      thread_(std::chrono::seconds(1), [this] { tick(); }) {}

void SnapshotJobRunner::tick() {
    if (!may_lead(leadership_.get())) {
        return;
    }
    const auto& settings = snapshots_->settings();
    run_when_due(watch_due_, std::chrono::seconds(10), *log_, "watch",
                 [&](const std::string& now) { return snapshots_->fail_stalled(now); });
    if (settings.schedule_interval.count() > 0) {
        const auto schedule_every = std::clamp(settings.schedule_interval, std::chrono::seconds(1),
                                               std::chrono::seconds(60));
        run_when_due(schedule_due_, schedule_every, *log_, "schedule",
                     [&](const std::string& now) { return snapshots_->schedule(now); });
    }
    run_when_due(retention_due_, settings.retention_interval, *log_, "retention",
                 [&](const std::string& now) { return snapshots_->expire(now); });
}

}  // namespace vergegrid::control
