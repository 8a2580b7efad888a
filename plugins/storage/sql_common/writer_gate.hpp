// Queues a process's writers before they reach the database, for databases that allow one writer
// at a time (SQLite). Racing writers would otherwise all issue BEGIN IMMEDIATE and the losers would
// poll in SQLite's busy handler, which sleeps up to 100 ms between tries and is not woken when the
// lock frees: on the region-create benchmark that was a p99 of 188 ms for 3 ms of work
// (docs/benchmarks.md). Waiting here wakes the next writer as soon as the last one ends.
// SQLite's busy_timeout still guards against writers in other processes.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace vergegrid::plugins::sql {

class WriterGate {
  public:
    // Holds the gate until released or destroyed. A default-constructed turn holds nothing.
    class Turn {
      public:
        Turn() = default;
        void release() noexcept;

      private:
        friend class WriterGate;
        Turn(std::shared_ptr<std::timed_mutex> mutex, std::unique_lock<std::timed_mutex> lock);

        // Keeps the mutex alive for a transaction that outlives its backend (close() while
        // transactions still run).
        std::shared_ptr<std::timed_mutex> mutex_;
        std::unique_lock<std::timed_mutex> lock_;
    };

    // Throws plugin_api::StorageBusy naming `what` when the gate is not free within `timeout`.
    Turn wait(std::chrono::milliseconds timeout, const std::string& what) const;

  private:
    std::shared_ptr<std::timed_mutex> mutex_ = std::make_shared<std::timed_mutex>();
};

}  // namespace vergegrid::plugins::sql
