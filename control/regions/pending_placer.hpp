// Places pending regions (docs/api.md, "Pending regions"): in creation order, by the active
// policy, as soon as something may have made room. Woken by the commands that can (a simulator
// registers, comes online, is uncordoned or repaired; a region is deleted, moved away or changed)
// through PendingPlacementWake, and by a slow sweep as a safety net. Each region is placed by one
// command of its own (RegionService::place_pending).
#pragma once

#include <spdlog/logger.h>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "control/common/leadership.hpp"
#include "control/common/periodic_thread.hpp"
#include "control/domain/event_consumer.hpp"
#include "control/domain/store.hpp"
#include "control/regions/region_service.hpp"

namespace vergegrid::control {

// One pass: the oldest `max_regions` pending regions, each offered to the policy in creation order.
// Returns how many were placed. Throws DomainError when no policy can place at all (unavailable).
int place_pending_regions(const Store& store, const RegionService& regions, int max_regions);

class PendingPlacer {
  public:
    static constexpr int kRegionsPerPass = 50;

    // With several control planes the passes run on the leader only (null: always).
    PendingPlacer(Store store, RegionService regions, std::shared_ptr<spdlog::logger> log,
                  std::chrono::milliseconds sweep = std::chrono::seconds(60),
                  std::shared_ptr<const Leadership> leadership = nullptr);

    // A pass now (after the one running, if any). Cheap; call it from any thread.
    void wake() { thread_.wake(); }

  private:
    void tick();

    Store store_;
    RegionService regions_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<const Leadership> leadership_;
    PeriodicThread thread_;  // last: stopped before the members its ticks use
};

// An event consumer that wakes the placer when a command recorded an event that may make room.
// It rings inside that command's transaction: the placer's own commands queue behind it for the
// grid lock every writer takes, so they see it committed (or rolled back, and find nothing new).
class PendingPlacementWake final : public EventConsumer {
  public:
    void connect(std::function<void()> wake);
    void consume(Changes& changes, const DomainEvent& event) override;

    // The event types that wake it.
    static const std::set<std::string>& wakers();

  private:
    std::mutex mutex_;
    std::function<void()> wake_;
};

}  // namespace vergegrid::control
