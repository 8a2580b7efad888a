#include "control/common/periodic_thread.hpp"

namespace vergegrid::control {

PeriodicThread::PeriodicThread(std::chrono::milliseconds every, std::function<void()> tick)
    : every_(every), tick_(std::move(tick)), thread_([this] { run(); }) {}

PeriodicThread::~PeriodicThread() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_requested_.notify_all();
    thread_.join();
}

void PeriodicThread::wake() {
    {
        const std::lock_guard lock(mutex_);
        woken_ = true;
    }
    stop_requested_.notify_all();
}

void PeriodicThread::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        tick_();
        lock.lock();
        stop_requested_.wait_for(lock, every_, [this] { return stopping_ || woken_; });
        woken_ = false;
    }
}

}  // namespace vergegrid::control
