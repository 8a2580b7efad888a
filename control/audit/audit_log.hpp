// Reading the audit log: newest first, filtered, a page at a time.
#pragma once

#include <cstdint>
#include <vector>

#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

struct AuditQuery {
    plugin_api::AuditFilter filter;  // each field "" (any) or at most kMaxFilterBytes
    std::int64_t before_id = 0;      // 0: from the newest; else only older rows
    int limit = 100;

    static constexpr std::size_t kMaxFilterBytes = 256;
};

// DomainError invalid_field naming the first filter (actor, action, entity_type, entity_id,
// since, until) longer than AuditQuery::kMaxFilterBytes.
void check_audit_filter(const plugin_api::AuditFilter& filter);

class AuditLog {
  public:
    explicit AuditLog(Store store) : store_(store) {}

    // At most `limit` + 1 rows: the extra one tells the caller there is another page.
    // check_audit_filter() first.
    std::vector<plugin_api::AuditEntry> list(const AuditQuery& query) const;

  private:
    Store store_;
};

}  // namespace vergegrid::control
