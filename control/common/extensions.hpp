// The storage extensions, reached from a transaction. A storage plugin built for ABI 1.0 lacks
// those of 1.1: access_store() and operation_store() then throw DomainError unavailable
// (storage_unsupported, 503) naming the reason instead of casting blindly. The control plane needs
// AccessStore to set up its first admin, so with such a plugin it refuses to start with that
// message (docs/plugin-abi.md, "A storage plugin of ABI 1.0"). One built before 1.3 lacks
// GridStore, which has a slower way round; one built before 1.7 lacks
// PendingPlacementStore (no pending regions).
#pragma once

#include "control/domain/domain_error.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_pending.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

inline plugin_api::AccessStore& access_store(plugin_api::StorageTransaction& tx) {
    if (auto* store = dynamic_cast<plugin_api::AccessStore*>(&tx)) {
        return *store;
    }
    throw DomainError(
        Fault::unavailable, "storage_unsupported",
        "the storage plugin predates plugin ABI 1.1 and keeps no users or simulators");
}

inline plugin_api::OperationStore& operation_store(plugin_api::StorageTransaction& tx) {
    if (auto* store = dynamic_cast<plugin_api::OperationStore*>(&tx)) {
        return *store;
    }
    throw DomainError(Fault::unavailable, "storage_unsupported",
                      "the storage plugin predates plugin ABI 1.1 and keeps no operation queue");
}

// Null for a storage plugin built before ABI 1.3.
inline plugin_api::GridStore* grid_store(plugin_api::StorageTransaction& tx) {
    return dynamic_cast<plugin_api::GridStore*>(&tx);
}

// Null for a storage plugin built before ABI 1.7: it keeps no pending regions, and a create no
// simulator can take is refused (409 no_placement) as before.
inline plugin_api::PendingPlacementStore* pending_store(plugin_api::StorageTransaction& tx) {
    return dynamic_cast<plugin_api::PendingPlacementStore*>(&tx);
}

// The event bus's tables (ABI 1.10). Before 1.10 the routes that need them answer 503.
inline plugin_api::EventOutbox& event_outbox(plugin_api::StorageTransaction& tx) {
    if (auto* outbox = dynamic_cast<plugin_api::EventOutbox*>(&tx)) {
        return *outbox;
    }
    throw DomainError(Fault::unavailable, "storage_unsupported",
                      "the storage plugin predates plugin ABI 1.10 and keeps no event outbox");
}

inline plugin_api::EventSubscriptions& event_subscriptions(plugin_api::StorageTransaction& tx) {
    if (auto* subscriptions = dynamic_cast<plugin_api::EventSubscriptions*>(&tx)) {
        return *subscriptions;
    }
    throw DomainError(Fault::unavailable, "storage_unsupported",
                      "the storage plugin predates plugin ABI 1.10 and keeps no event "
                      "subscriptions");
}

}  // namespace vergegrid::control
