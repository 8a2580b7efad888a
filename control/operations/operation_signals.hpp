// Wakes the long polls of a simulator when an operation for it is queued or a lazy one falls due,
// and rings its doorbell: a small POST to the bridge's push URL that only tells it to pull.
// Nothing the bridge executes travels by push, so a lost, forged or replayed doorbell costs at
// most one extra pull.
#pragma once

#include <spdlog/fwd.h>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "control/operations/doorbell_ringer.hpp"

namespace vergegrid::control {

class OperationSignals {
  public:
    using Clock = std::chrono::steady_clock;

    explicit OperationSignals(std::shared_ptr<spdlog::logger> log, DoorbellSettings doorbells = {});
    ~OperationSignals();
    OperationSignals(const OperationSignals&) = delete;
    OperationSignals& operator=(const OperationSignals&) = delete;

    // After the queueing transaction committed: wake waiting pulls; ring the doorbell when a
    // push URL is known; tell the other control planes (the relay). Never blocks on the network.
    void notify(const std::string& simulator_id, const std::string& push_url);
    // A lazy operation falls due at `when`: wake the simulator's pulls then (no doorbell: lazy
    // operations wait for the bridge's next pull anyway). Kept in memory only: after a restart
    // the bridge's next pull delivers what fell due.
    void notify_at(const std::string& simulator_id, Clock::time_point when);

    // Several control planes on one database (docs/ha.md). `relay` hears every notification
    // this process makes (a commit's, a lazy operation falling due) to pass it on to the others;
    // it must not block. Empty: none.
    void set_relay(std::function<void(const std::string& simulator_id)> relay);
    // Another control plane's notification: wakes this process's pulls only.
    void wake(const std::string& simulator_id);
    // Notifications may have been lost: every parked pull looks again.
    void wake_all();
    // While a pull is parked it looks again every `every` (0: never), so that a notification
    // lost between control planes costs latency, never an operation.
    void set_recheck(std::chrono::milliseconds every);

    // The simulator's notification count; read it before looking for operations, so that a
    // notification between the look and the wait is never lost.
    std::uint64_t generation(const std::string& simulator_id);

    // Calls `wake` once (from another thread, or at once when the generation is no longer
    // `seen`) on the next notification for the simulator. The subscription ends when it fires or
    // with unsubscribe(); `wake` must not call back into this object.
    using Subscription = std::uint64_t;
    Subscription subscribe(const std::string& simulator_id, std::uint64_t seen,
                           std::function<void()> wake);
    void unsubscribe(const std::string& simulator_id, Subscription subscription);

  private:
    struct Waiters {
        std::uint64_t generation = 0;
        std::map<Subscription, std::function<void()>> waiting;
        // When its pending re-check fires: one timer per simulator, however many polls it parks
        // (the timers' room is shared with due lazy operations).
        Clock::time_point recheck_due{};
    };
    // With the mutex held: bumps the generation and hands back the wake-ups to call after
    // unlocking.
    std::map<Subscription, std::function<void()>> bump_locked(const std::string& simulator_id);
    void run_timers();

    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::unordered_map<std::string, Waiters> simulators_;
    Subscription next_subscription_ = 1;
    struct Timer {
        std::string simulator_id;
        bool relayed;  // a lazy operation falls due (the other control planes are told); a
                       // parked pull's re-check otherwise
    };
    std::multimap<Clock::time_point, Timer> timers_;
    std::function<void(const std::string&)> relay_;
    std::chrono::milliseconds recheck_{0};
    std::condition_variable work_ready_;
    bool stopping_ = false;
    DoorbellRinger doorbells_;
    std::thread timer_thread_;
};

}  // namespace vergegrid::control
