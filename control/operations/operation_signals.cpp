#include "control/operations/operation_signals.hpp"

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace vergegrid::control {

namespace {
constexpr std::size_t kMaxTimers = 100000;
}  // namespace

OperationSignals::OperationSignals(std::shared_ptr<spdlog::logger> log, DoorbellSettings doorbells)
    : log_(log), doorbells_(std::move(doorbells), log), timer_thread_([this] { run_timers(); }) {}

OperationSignals::~OperationSignals() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    timer_thread_.join();
}

std::map<OperationSignals::Subscription, std::function<void()>> OperationSignals::bump_locked(
    const std::string& simulator_id) {
    auto& waiters = simulators_[simulator_id];
    ++waiters.generation;
    return std::exchange(waiters.waiting, {});
}

void OperationSignals::notify(const std::string& simulator_id, const std::string& push_url) {
    std::map<Subscription, std::function<void()>> woken;
    std::function<void(const std::string&)> relay;
    {
        std::lock_guard lock(mutex_);
        woken = bump_locked(simulator_id);
        relay = relay_;
    }
    if (!push_url.empty()) {
        doorbells_.ring(simulator_id, push_url);
    }
    if (relay) {
        relay(simulator_id);
    }
    // Outside the mutex: a wake-up takes its server's locks, which may be held by a thread
    // that is about to subscribe or unsubscribe here.
    for (auto& [id, wake] : woken) {
        wake();
    }
}

void OperationSignals::notify_at(const std::string& simulator_id, Clock::time_point when) {
    {
        std::lock_guard lock(mutex_);
        if (timers_.size() >= kMaxTimers) {
            return;  // the bridge's next pull still finds the operation
        }
        timers_.emplace(when, Timer{simulator_id, true});
    }
    work_ready_.notify_one();
}

void OperationSignals::set_relay(std::function<void(const std::string& simulator_id)> relay) {
    std::lock_guard lock(mutex_);
    relay_ = std::move(relay);
}

void OperationSignals::wake(const std::string& simulator_id) {
    std::map<Subscription, std::function<void()>> woken;
    {
        std::lock_guard lock(mutex_);
        const auto it = simulators_.find(simulator_id);
        if (it == simulators_.end()) {
            return;  // nobody here waits for it, nor read its generation
        }
        woken = bump_locked(simulator_id);
    }
    for (auto& [id, wake] : woken) {
        wake();
    }
}

void OperationSignals::wake_all() {
    std::map<Subscription, std::function<void()>> woken;
    {
        std::lock_guard lock(mutex_);
        for (auto& [simulator_id, waiters] : simulators_) {
            ++waiters.generation;
            woken.merge(std::exchange(waiters.waiting, {}));
        }
    }
    for (auto& [id, wake] : woken) {
        wake();
    }
}

void OperationSignals::set_recheck(std::chrono::milliseconds every) {
    std::lock_guard lock(mutex_);
    recheck_ = every;
}

std::uint64_t OperationSignals::generation(const std::string& simulator_id) {
    std::lock_guard lock(mutex_);
    return simulators_[simulator_id].generation;
}

OperationSignals::Subscription OperationSignals::subscribe(const std::string& simulator_id,
                                                           std::uint64_t seen,
                                                           std::function<void()> wake) {
    {
        std::lock_guard lock(mutex_);
        auto& waiters = simulators_[simulator_id];
        if (waiters.generation == seen) {
            const auto subscription = next_subscription_++;
            waiters.waiting.emplace(subscription, std::move(wake));
            const auto now = Clock::now();
            if (recheck_.count() > 0 && waiters.recheck_due <= now && timers_.size() < kMaxTimers) {
                waiters.recheck_due = now + recheck_;
                timers_.emplace(waiters.recheck_due, Timer{simulator_id, false});
                work_ready_.notify_one();
            }
            return subscription;
        }
    }
    wake();  // notified since `seen`
    return 0;
}

void OperationSignals::unsubscribe(const std::string& simulator_id, Subscription subscription) {
    std::lock_guard lock(mutex_);
    const auto it = simulators_.find(simulator_id);
    if (it != simulators_.end()) {
        it->second.waiting.erase(subscription);
    }
}

void OperationSignals::run_timers() {
    for (;;) {
        std::map<Subscription, std::function<void()>> woken;
        std::vector<std::string> relayed;
        std::function<void(const std::string&)> relay;
        {
            std::unique_lock lock(mutex_);
            // Each round looks at the earliest timer again: notify_at() may have added an
            // earlier one.
            while (!stopping_ && (timers_.empty() || timers_.begin()->first > Clock::now())) {
                if (timers_.empty()) {
                    work_ready_.wait(lock);
                } else {
                    work_ready_.wait_until(lock, timers_.begin()->first);
                }
            }
            if (stopping_) {
                return;
            }
            const auto now = Clock::now();
            while (!timers_.empty() && timers_.begin()->first <= now) {
                const Timer& timer = timers_.begin()->second;
                if (timer.relayed) {
                    woken.merge(bump_locked(timer.simulator_id));
                    relayed.push_back(timer.simulator_id);
                } else if (const auto it = simulators_.find(timer.simulator_id);
                           it != simulators_.end() && !it->second.waiting.empty()) {
                    woken.merge(bump_locked(timer.simulator_id));  // a parked pull looks again
                }
                timers_.erase(timers_.begin());
            }
            relay = relay_;
        }
        for (auto& [id, wake] : woken) {
            wake();
        }
        if (relay) {
            for (const auto& simulator_id : relayed) {
                relay(simulator_id);
            }
        }
    }
}

}  // namespace vergegrid::control
