// ABI 1.10 extensions of a transaction (storage_events.hpp), reached the way the host reaches them
// (dynamic_cast across the module boundary), and records for their tests with every field set.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::test::storage {

// Throws std::runtime_error when the transaction lacks the extension.
template <typename Extension>
Extension& extension_of(plugin_api::StorageTransaction& tx, const char* name) {
    auto* extension = dynamic_cast<Extension*>(&tx);
    if (extension == nullptr) {
        throw std::runtime_error(std::string("the transaction has no ") + name);
    }
    return *extension;
}

inline plugin_api::EventOutbox& outbox(plugin_api::StorageTransaction& tx) {
    return extension_of<plugin_api::EventOutbox>(tx, "EventOutbox");
}
inline plugin_api::EventSubscriptions& subscriptions(plugin_api::StorageTransaction& tx) {
    return extension_of<plugin_api::EventSubscriptions>(tx, "EventSubscriptions");
}
inline plugin_api::AuditChain& audit_chain(plugin_api::StorageTransaction& tx) {
    return extension_of<plugin_api::AuditChain>(tx, "AuditChain");
}

// Event `n` of type `type` about `subject` at `time`; its document is a CloudEvent with
// non-ASCII text in it.
plugin_api::OutboxEvent sample_event(int n, const std::string& type, const std::string& subject,
                                     const std::string& time);

// Every field of a record as one line per field (seq and id included).
std::string dump(const plugin_api::OutboxEvent& event);
// dump() of each, in order: a mismatch names the event and field.
std::vector<std::string> dumps(const std::vector<plugin_api::OutboxEvent>& events);
std::string dump(const plugin_api::EventSubscription& subscription);
std::string dump(const plugin_api::EventDelivery& delivery);

}  // namespace vergegrid::test::storage
