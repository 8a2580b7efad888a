// One background thread that calls `tick` at once and then every `every` (or at once when woken)
// until it is destroyed;
// the destructor wakes it and waits for the tick in progress. The background jobs of the control
// plane (snapshots, migrations) run on one each. Make it the last member of its owner, so it is
// started after and stopped before everything `tick` uses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace vergegrid::control {

class PeriodicThread {
  public:
    PeriodicThread(std::chrono::milliseconds every, std::function<void()> tick);
    ~PeriodicThread();
    // The next tick runs now (after the one in progress, if any) rather than when due; wakes
    // that arrive during a tick fold into one more tick.
    void wake();
    PeriodicThread(const PeriodicThread&) = delete;
    PeriodicThread& operator=(const PeriodicThread&) = delete;

  private:
    void run();

    std::chrono::milliseconds every_;
    std::function<void()> tick_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace vergegrid::control
