// Whether this control plane leads the grid's background jobs (docs/ha.md): liveness, pending
// placement, snapshot schedules and retention, moves' watchdog. Exactly one replica on a database
// runs them; ReplicaHeartbeat decides, the jobs ask before each round. Jobs are idempotent, so
// the short overlap a lost database session can cause (the old leader learns of it a moment after
// the server released its lock) repeats work at most, never breaks it.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

namespace vergegrid::control {

class Leadership {
  public:
    // A control plane alone on its database (SQLite, or a storage plugin before ABI 1.9) leads
    // from the start.
    explicit Leadership(bool leading = false) : leading_(leading) {}

    bool leading() const noexcept { return leading_.load(); }

    // The heartbeat's verdict; on becoming leader, runs every callback (on the caller's thread),
    // so that the jobs start at once rather than at their next period.
    void set(bool leading);
    void on_gained(std::function<void()> callback);

  private:
    std::atomic<bool> leading_;
    std::mutex mutex_;  // guards callbacks_
    std::vector<std::function<void()>> callbacks_;
};

// The jobs' question: true when `leadership` is null (no cluster) or leads.
inline bool may_lead(const Leadership* leadership) {
    return leadership == nullptr || leadership->leading();
}

}  // namespace vergegrid::control
