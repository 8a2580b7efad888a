// The audit log as a hash chain (docs/events.md, "The audit chain"): each row carries the
// SHA-256 of the previous row's hash and its own content, so a row changed, removed or inserted
// behind the control plane's back breaks the chain at that row. What a chain cannot show is its
// newest rows cut off: the periodic checkpoint, published as an event to sinks the database's
// administrator cannot rewrite, covers that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

// The row's hash: SHA-256 (lower-case hex) of `prev_hash` and the row's fields, each written as
// "<byte length>:<bytes>" (a netstring without the comma, so no field can run into the next), in
// this order: prev_hash, at, actor, action, entity_type, entity_id, request_id, before, after.
std::string audit_row_hash(const std::string& prev_hash, const plugin_api::AuditEntry& entry);

struct ChainBreak {
    std::int64_t id = 0;
    std::string reason;
};

struct ChainReport {
    std::int64_t checked = 0;    // chained rows whose links were checked
    std::int64_t unchained = 0;  // rows from before the chain began (no hash)
    std::int64_t last_id = 0;    // the newest row checked
    std::string last_hash;
    std::optional<ChainBreak> broken;  // the first row that does not match
};

// The chain's newest row: what a checkpoint records.
struct ChainHead {
    std::int64_t id = 0;
    std::string hash;
    std::string at;
};

class AuditChainCheck {
  public:
    explicit AuditChainCheck(Store store) : store_(store) {}

    // Walks the whole log, oldest first, a page per read transaction. Throws DomainError
    // unavailable (storage_unsupported) when the storage plugin keeps no chain (ABI < 1.10).
    ChainReport verify() const;
    // nullopt when no chained row exists yet.
    std::optional<ChainHead> head() const;

  private:
    Store store_;
};

}  // namespace vergegrid::control
