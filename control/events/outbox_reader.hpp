// Reading the outbox with every document whole: an event that refers to its audit row for its
// data (the entity is stored once per change, in the audit log) gets the row's document back as
// its `data`. The one way the dispatcher and the readers read events.
#pragma once

#include <cstdint>
#include <vector>

#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// EventOutbox::list_events_after, documents completed. Throws DomainError unavailable
// (storage_unsupported) for a storage plugin without an outbox.
std::vector<plugin_api::OutboxEvent> read_events_after(plugin_api::StorageTransaction& tx,
                                                       std::int64_t after_seq, int limit);

}  // namespace vergegrid::control
