#include "control/events/event_housekeeping.hpp"

#include <spdlog/spdlog.h>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"

namespace vergegrid::control {

namespace {
constexpr auto kPruneEvery = std::chrono::minutes(10);
constexpr auto kTick = std::chrono::seconds(30);
}  // namespace

EventHousekeeping::EventHousekeeping(Store store, std::shared_ptr<const Leadership> leadership,
                                     HousekeepingSettings settings,
                                     std::shared_ptr<spdlog::logger> log)
    : store_(store),
      leadership_(std::move(leadership)),
      settings_(settings),
      log_(std::move(log)),
      thread_(std::chrono::duration_cast<std::chrono::milliseconds>(std::min<std::chrono::seconds>(
                  kTick,
                  settings.checkpoint_interval.count() > 0 ? settings.checkpoint_interval : kTick)),
              [this] { tick(); }) {}

void EventHousekeeping::tick() {
    if (!may_lead(leadership_.get())) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    try {
        if (now >= next_prune_) {
            next_prune_ = now + kPruneEvery;
            prune();
        }
        if (settings_.checkpoint_interval.count() > 0 && now >= next_checkpoint_) {
            next_checkpoint_ = now + settings_.checkpoint_interval;
            checkpoint();
        }
    } catch (const std::exception& e) {
        log_->warn("events: housekeeping failed: {}", e.what());
    }
}

void EventHousekeeping::prune() {
    const std::string before =
        iso8601_plus_seconds(now_iso8601(), -86400L * settings_.retention_days);
    const auto [events, deliveries] = store_.write([&](plugin_api::StorageTransaction& tx) {
        auto& outbox = event_outbox(tx);
        auto& subscriptions = event_subscriptions(tx);
        // Only what every subscription has: a receiver that is down keeps its events.
        const auto through = subscriptions.lowest_subscription_cursor(outbox.last_event_seq());
        return std::pair{outbox.delete_events(through, before),
                         subscriptions.delete_deliveries_before(before)};
    });
    if (events > 0 || deliveries > 0) {
        log_->info("events: pruned {} events and {} delivery records older than {} days", events,
                   deliveries, settings_.retention_days);
    }
}

bool EventHousekeeping::checkpoint() {
    const auto head = AuditChainCheck(store_).head();
    if (!head || head->id == checkpointed_id_) {
        return false;
    }
    store_.command(Actor{"system:audit-checkpoint", ""}, [&](Changes& changes) {
        changes.record({"audit.checkpoint",
                        "audit",
                        std::to_string(head->id),
                        nullptr,
                        {{"id", head->id}, {"hash", head->hash}, {"at", head->at}},
                        false});
    });
    checkpointed_id_ = head->id;
    log_->info("audit checkpoint: row {} hash {}", head->id, head->hash);
    return true;
}

}  // namespace vergegrid::control
