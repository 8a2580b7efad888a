#include "control/events/event_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "control/common/extensions.hpp"
#include "control/events/subscription_worker.hpp"

namespace vergegrid::control {

EventDispatcher::EventDispatcher(Store store, EventSinks sinks,
                                 std::shared_ptr<EventSignals> signals,
                                 std::shared_ptr<const Leadership> leadership,
                                 DispatchSettings settings, std::shared_ptr<spdlog::logger> log)
    : store_(store),
      sinks_(std::move(sinks)),
      signals_(std::move(signals)),
      leadership_(std::move(leadership)),
      settings_(settings),
      log_(std::move(log)),
      manager_(settings_.idle_look, [this] { manage(); }) {}

EventDispatcher::~EventDispatcher() = default;

void EventDispatcher::subscriptions_changed() {
    manager_.wake();
}

void EventDispatcher::manage() {
    // Ended loops first (a paused or deleted subscription, lost leadership): joined here.
    std::erase_if(workers_, [](const auto& entry) { return entry.second->finished(); });
    if (!may_lead(leadership_.get())) {
        workers_.clear();
        return;
    }
    std::vector<plugin_api::EventSubscription> subscriptions;
    try {
        subscriptions = store_.read([](plugin_api::StorageTransaction& tx) {
            return event_subscriptions(tx).list_subscriptions("");
        });
    } catch (const std::exception& e) {
        log_->warn("events: cannot read the subscriptions: {}", e.what());
        return;
    }
    std::map<std::string, bool> active;
    for (const auto& subscription : subscriptions) {
        if (subscription.state != "active") {
            continue;
        }
        active[subscription.id] = true;
        if (workers_.contains(subscription.id)) {
            continue;
        }
        const auto sink = sinks_.find(subscription.sink);
        if (sink == sinks_.end()) {
            if (!warned_[subscription.id]) {
                log_->warn(
                    "events: subscription {} needs the event sink '{}', which is not "
                    "loaded (events.sinks): its events wait",
                    subscription.id, subscription.sink);
                warned_[subscription.id] = true;
            }
            continue;
        }
        workers_.emplace(subscription.id,
                         std::make_unique<SubscriptionWorker>(
                             WorkerContext{store_, signals_, leadership_, settings_, log_},
                             subscription.id, sink->second));
    }
    std::erase_if(workers_, [&](const auto& entry) { return !active.contains(entry.first); });
}

}  // namespace vergegrid::control
