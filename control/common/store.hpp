// Runs control-plane work in one storage transaction and turns storage failures into API errors.
// A read-write call commits only when the work returns normally: any exception (a validation
// ApiError included) rolls everything back, so a request writes all of its rows or none.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "kernel/http/api_error.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace vergegrid::control {

class Store {
  public:
    // Cheap to copy: route handlers hold their own copy; the slot must outlive them.
    explicit Store(kernel::services::ActiveSlot<plugin_api::StorageBackend>& slot) : slot_(&slot) {}

    template <typename Work>
    auto read(Work&& work) const {
        return run(plugin_api::Access::read, std::forward<Work>(work));
    }

    template <typename Work>
    auto write(Work&& work) const {
        return run(plugin_api::Access::read_write, std::forward<Work>(work));
    }

  private:
    template <typename Work>
    auto run(plugin_api::Access access, Work&& work) const {
        // The snapshot keeps the backend (and its plugin) alive for the whole transaction.
        std::shared_ptr<plugin_api::StorageBackend> storage = slot_->get();
        if (!storage) {
            throw kernel::http::ApiError(503, "storage_unavailable", "storage is not available");
        }
        try {
            auto tx = storage->begin(access);
            if constexpr (std::is_void_v<decltype(work(*tx))>) {
                work(*tx);
                if (access == plugin_api::Access::read_write) {
                    tx->commit();
                }
            } else {
                auto result = work(*tx);
                if (access == plugin_api::Access::read_write) {
                    tx->commit();
                }
                return result;
            }
        } catch (const plugin_api::StorageConflict&) {
            throw kernel::http::ApiError(409, "conflict", "the change conflicts with stored data");
        } catch (const plugin_api::StorageBusy&) {
            throw kernel::http::ApiError(503, "storage_busy", "storage is busy; retry the request");
        }
    }

    kernel::services::ActiveSlot<plugin_api::StorageBackend>* slot_;
};

}  // namespace vergegrid::control
