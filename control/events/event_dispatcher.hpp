// Delivers the outbox to every active subscription (docs/events.md, "Delivery"): at least once,
// in outbox order (so in order per subject), one thread per subscription so that one slow or
// dead receiver never delays another. Runs on the leader only (docs/ha.md); the cursors live in
// the database, so a new leader continues where the old one's last committed cursor says, and
// what the old one delivered after that is delivered again (receivers de-duplicate by event id).
// A failed delivery is retried with doubling back-off; an event still failing once it is older
// than events.retry_for_s becomes a dead letter (logged as such) and the cursor moves on.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "control/common/leadership.hpp"
#include "control/common/periodic_thread.hpp"
#include "control/domain/store.hpp"
#include "control/events/event_signals.hpp"
#include "control/events/event_sinks.hpp"

namespace vergegrid::control {

struct DispatchSettings {
    std::chrono::seconds retry_for{86400};
    std::chrono::milliseconds delivery_timeout{10000};
    std::chrono::milliseconds first_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};
    // A worker with nothing to do looks at the outbox at least this often, and the set of
    // subscriptions is read again this often (changes made on another control plane).
    std::chrono::milliseconds idle_look{1000};
    int batch = 100;
};

class SubscriptionWorker;

class EventDispatcher {
  public:
    EventDispatcher(Store store, EventSinks sinks, std::shared_ptr<EventSignals> signals,
                    std::shared_ptr<const Leadership> leadership, DispatchSettings settings,
                    std::shared_ptr<spdlog::logger> log);
    ~EventDispatcher();
    EventDispatcher(const EventDispatcher&) = delete;
    EventDispatcher& operator=(const EventDispatcher&) = delete;

    // A subscription was made, changed or deleted: look at the set now.
    void subscriptions_changed();

  private:
    void manage();

    Store store_;
    EventSinks sinks_;
    std::shared_ptr<EventSignals> signals_;
    std::shared_ptr<const Leadership> leadership_;
    DispatchSettings settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::map<std::string, std::unique_ptr<SubscriptionWorker>> workers_;  // manager thread only
    std::map<std::string, bool> warned_;  // subscriptions whose sink is not loaded
    PeriodicThread manager_;              // last: stopped before the members its ticks use
};

}  // namespace vergegrid::control
