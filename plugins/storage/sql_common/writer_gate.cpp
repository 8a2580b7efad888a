#include "writer_gate.hpp"

#include <utility>

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::plugins::sql {

WriterGate::Turn::Turn(std::shared_ptr<std::timed_mutex> mutex,
                       std::unique_lock<std::timed_mutex> lock)
    : mutex_(std::move(mutex)), lock_(std::move(lock)) {}

void WriterGate::Turn::release() noexcept {
    if (lock_.owns_lock()) {
        lock_.unlock();
    }
}

WriterGate::Turn WriterGate::wait(std::chrono::milliseconds timeout,
                                  const std::string& what) const {
    std::unique_lock lock(*mutex_, std::defer_lock);
    if (!lock.try_lock_for(timeout)) {
        throw plugin_api::StorageBusy(what + ": another write transaction held the database for " +
                                      std::to_string(timeout.count()) + " ms");
    }
    return Turn(mutex_, std::move(lock));
}

}  // namespace vergegrid::plugins::sql
