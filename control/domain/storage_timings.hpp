// How long storage transactions take as their callers see them, for GET /metrics:
// vergegrid_storage_transaction_duration_seconds{access="read"|"write"}. A write's time includes
// its wait for a group commit's batch and the shared COMMIT (docs/group-commit.md): the latency
// a request gets from storage, which is what an operator's alert is about.
#pragma once

#include <chrono>

#include "kernel/metrics/registry.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

class StorageTimings {
  public:
    explicit StorageTimings(kernel::metrics::Registry& registry);

    void observe(plugin_api::Access access, std::chrono::steady_clock::duration elapsed) const;

    // Observes from its construction to its end (a transaction that throws counts too); does
    // nothing without timings.
    class Scope {
      public:
        Scope(const StorageTimings* timings, plugin_api::Access access)
            : timings_(timings), access_(access), started_(std::chrono::steady_clock::now()) {}
        ~Scope() {
            if (timings_ != nullptr) {
                timings_->observe(access_, std::chrono::steady_clock::now() - started_);
            }
        }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

      private:
        const StorageTimings* timings_;
        plugin_api::Access access_;
        std::chrono::steady_clock::time_point started_;
    };

  private:
    kernel::metrics::Histogram& read_;
    kernel::metrics::Histogram& write_;
};

}  // namespace vergegrid::control
