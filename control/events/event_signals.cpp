#include "control/events/event_signals.hpp"

#include <vector>

namespace vergegrid::control {

void EventSignals::notify() {
    std::map<Subscription, std::function<void()>> woken;
    {
        const std::lock_guard lock(mutex_);
        ++generation_;
        woken.swap(waiting_);
    }
    changed_.notify_all();
    for (auto& [id, wake] : woken) {
        wake();
    }
}

std::uint64_t EventSignals::generation() const {
    const std::lock_guard lock(mutex_);
    return generation_;
}

EventSignals::Subscription EventSignals::subscribe(std::uint64_t seen, std::function<void()> wake) {
    {
        const std::lock_guard lock(mutex_);
        if (generation_ == seen) {
            const auto id = next_++;
            waiting_.emplace(id, std::move(wake));
            return id;
        }
    }
    wake();
    return 0;
}

void EventSignals::unsubscribe(Subscription subscription) {
    const std::lock_guard lock(mutex_);
    waiting_.erase(subscription);
}

bool EventSignals::wait(std::uint64_t seen, std::chrono::milliseconds timeout,
                        const std::atomic<bool>& stopping) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        return generation_ != seen || stopping.load();
    }) && generation_ != seen;
}

}  // namespace vergegrid::control
