// Wakes whoever waits for new events in the outbox: the dispatcher's workers and the live
// streams parked in the server. Notified after a commit that appended events, and by the
// outbox watch when another control plane's commits made the outbox grow.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace vergegrid::control {

class EventSignals {
  public:
    void notify();

    // Read before looking at the outbox, so that a notification between the look and the wait
    // is never lost.
    std::uint64_t generation() const;

    // Calls `wake` once (from another thread, or at once when the generation is no longer
    // `seen`) on the next notification. `wake` must not call back into this object.
    using Subscription = std::uint64_t;
    Subscription subscribe(std::uint64_t seen, std::function<void()> wake);
    void unsubscribe(Subscription subscription);

    // Blocks until the generation is no longer `seen`, `stopping` is set (then call notify() to
    // end the wait at once) or `timeout` passed. True when notified.
    bool wait(std::uint64_t seen, std::chrono::milliseconds timeout,
              const std::atomic<bool>& stopping);

  private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t generation_ = 0;
    Subscription next_ = 1;
    std::map<Subscription, std::function<void()>> waiting_;
};

}  // namespace vergegrid::control
