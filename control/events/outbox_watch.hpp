// Several control planes on one database (docs/ha.md): events another replica committed wake
// nobody here, so this one looks at the outbox's end every `every` and wakes its streams and its
// dispatcher when it grew. Alone on its database a control plane needs no watch: its own commits
// wake them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "control/common/periodic_thread.hpp"
#include "control/domain/store.hpp"
#include "control/events/event_signals.hpp"

namespace vergegrid::control {

class OutboxWatch {
  public:
    OutboxWatch(Store store, std::shared_ptr<EventSignals> signals,
                std::chrono::milliseconds every);

  private:
    void look();

    Store store_;
    std::shared_ptr<EventSignals> signals_;
    std::int64_t seen_ = -1;
    PeriodicThread thread_;  // last
};

}  // namespace vergegrid::control
