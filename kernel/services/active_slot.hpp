// One switchable service object (the active storage backend, the active placement policy).
// Every caller takes a snapshot with get() and uses it for the whole decision; swap() publishes
// a new object for later callers while earlier snapshots finish on the old one, which dies (and
// may unload its plugin) with its last user.
#pragma once

#include <atomic>
#include <memory>

namespace vergegrid::kernel::services {

template <typename T>
class ActiveSlot {
  public:
    std::shared_ptr<T> get() const { return current_.load(std::memory_order_acquire); }

    // Returns the previous object so the caller decides when to let go of it.
    std::shared_ptr<T> swap(std::shared_ptr<T> next) {
        return current_.exchange(std::move(next), std::memory_order_acq_rel);
    }

  private:
    std::atomic<std::shared_ptr<T>> current_;
};

}  // namespace vergegrid::kernel::services
