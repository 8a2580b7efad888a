#include "control/events/outbox_reader.hpp"

#include <algorithm>
#include <map>

#include "control/common/extensions.hpp"
#include "control/events/cloud_event.hpp"

namespace vergegrid::control {

namespace {

constexpr std::int64_t kAuditPage = 1000;

// The audit rows `ids` (ascending) name, read a range at a time: the rows of one batch of events
// are close together (the audit rows between them are those of changes that publish nothing).
std::map<std::int64_t, plugin_api::AuditEntry> audit_rows(plugin_api::AuditChain& chain,
                                                          const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, plugin_api::AuditEntry> by_id;
    std::size_t next = 0;
    while (next < ids.size()) {
        const auto from = ids[next];
        const auto span = std::min(ids.back() - from + 1, kAuditPage);
        const auto rows = chain.list_chained_audit(from - 1, static_cast<int>(span));
        for (const auto& row : rows) {
            by_id[row.entry.id] = row.entry;
        }
        const auto reached = rows.empty() ? from : rows.back().entry.id;
        // Past every id the range covered; an id whose row is gone (the chain check names it)
        // leaves its event with null data.
        while (next < ids.size() && ids[next] <= reached) {
            ++next;
        }
    }
    return by_id;
}

}  // namespace

std::vector<plugin_api::OutboxEvent> read_events_after(plugin_api::StorageTransaction& tx,
                                                       std::int64_t after_seq, int limit) {
    auto events = event_outbox(tx).list_events_after(after_seq, limit);
    std::vector<std::int64_t> ids;
    for (const auto& event : events) {
        if (event.audit_id != 0) {
            ids.push_back(event.audit_id);
        }
    }
    if (ids.empty()) {
        return events;
    }
    std::sort(ids.begin(), ids.end());
    auto* chain = dynamic_cast<plugin_api::AuditChain*>(&tx);
    const auto rows = chain == nullptr ? std::map<std::int64_t, plugin_api::AuditEntry>{}
                                       : audit_rows(*chain, ids);
    for (auto& event : events) {
        if (event.audit_id == 0) {
            continue;
        }
        const auto found = rows.find(event.audit_id);
        event.document = whole_event(event, found == rows.end() ? nullptr : &found->second);
    }
    return events;
}

}  // namespace vergegrid::control
