// One subscription's delivery loop (the dispatcher's worker): read the outbox after the cursor,
// hand the wanted events to the sink, log each attempt and move the cursor, in one transaction.
#pragma once

#include <spdlog/fwd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "control/common/leadership.hpp"
#include "control/domain/store.hpp"
#include "control/events/event_dispatcher.hpp"
#include "control/events/event_signals.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"

namespace vergegrid::control {

struct WorkerContext {
    Store store;
    std::shared_ptr<EventSignals> signals;
    std::shared_ptr<const Leadership> leadership;
    DispatchSettings settings;
    std::shared_ptr<spdlog::logger> log;
};

class SubscriptionWorker {
  public:
    SubscriptionWorker(WorkerContext context, std::string subscription_id,
                       std::shared_ptr<plugin_api::EventSink> sink);
    // Stops the loop and waits for it (at most one delivery's deadline).
    ~SubscriptionWorker();
    SubscriptionWorker(const SubscriptionWorker&) = delete;
    SubscriptionWorker& operator=(const SubscriptionWorker&) = delete;

    // The loop ended by itself: the subscription is gone or paused, or leadership was lost.
    bool finished() const { return finished_.load(); }

  private:
    enum class Next { go_on, back_off, end };

    void run();
    Next round();
    void pause(std::chrono::milliseconds delay);

    WorkerContext context_;
    std::string id_;
    std::shared_ptr<plugin_api::EventSink> sink_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> finished_{false};
    // The event that keeps failing and how often it has (the attempt number in the log).
    std::int64_t failing_seq_ = 0;
    int failures_ = 0;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    std::thread thread_;  // last
};

}  // namespace vergegrid::control
