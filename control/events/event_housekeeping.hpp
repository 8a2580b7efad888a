// The event bus's leader-only chores: pruning the outbox (events every subscription has, older
// than events.retention_days) and the delivery log (dead letters stay), and the audit chain's
// periodic checkpoint: its head (row id and hash) logged and published as an
// org.vergegrid.audit.checkpoint event, so that the sinks keep a copy the database's
// administrator cannot rewrite (docs/events.md, "The audit chain").
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "control/audit/audit_chain.hpp"
#include "control/common/leadership.hpp"
#include "control/common/periodic_thread.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

struct HousekeepingSettings {
    int retention_days = 7;
    std::chrono::seconds checkpoint_interval{3600};  // 0: no checkpoints
};

class EventHousekeeping {
  public:
    EventHousekeeping(Store store, std::shared_ptr<const Leadership> leadership,
                      HousekeepingSettings settings, std::shared_ptr<spdlog::logger> log);

    // One round now (tests; the thread calls it on its period).
    void prune();
    // Records a checkpoint when the chain's head moved since the last one; returns whether it did.
    bool checkpoint();

  private:
    void tick();

    Store store_;
    std::shared_ptr<const Leadership> leadership_;
    HousekeepingSettings settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::int64_t checkpointed_id_ = -1;
    std::chrono::steady_clock::time_point next_prune_{};
    std::chrono::steady_clock::time_point next_checkpoint_{};
    PeriodicThread thread_;  // last
};

}  // namespace vergegrid::control
