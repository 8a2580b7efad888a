#include "control/audit/audit_chain.hpp"

#include "sha256/sha256.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::control {

namespace {

constexpr int kPage = 500;

plugin_api::AuditChain& chain_of(plugin_api::StorageTransaction& tx) {
    if (auto* chain = dynamic_cast<plugin_api::AuditChain*>(&tx)) {
        return *chain;
    }
    throw DomainError(Fault::unavailable, "storage_unsupported",
                      "the storage plugin predates plugin ABI 1.10 and keeps no audit chain");
}

}  // namespace

std::string audit_row_hash(const std::string& prev_hash, const plugin_api::AuditEntry& entry) {
    const std::string* fields[] = {&prev_hash,        &entry.at,          &entry.actor,
                                   &entry.action,     &entry.entity_type, &entry.entity_id,
                                   &entry.request_id, &entry.before,      &entry.after};
    // Each field as "<length>:<bytes>", so that no bytes can move from one field to the next;
    // gathered first and hashed in one update (one call into OpenSSL rather than 27).
    std::size_t size = 0;
    for (const std::string* field : fields) {
        size += field->size() + 21;
    }
    std::string message;
    message.reserve(size);
    for (const std::string* field : fields) {
        message += std::to_string(field->size());
        message += ':';
        message += *field;
    }
    sha256::Sha256 digest;
    digest.update(message);
    return digest.hex();
}

ChainReport AuditChainCheck::verify() const {
    ChainReport report;
    std::int64_t after = 0;
    bool begun = false;
    std::string expected_prev;
    while (!report.broken) {
        const auto rows = store_.read([&](plugin_api::StorageTransaction& tx) {
            return chain_of(tx).list_chained_audit(after, kPage);
        });
        for (const auto& row : rows) {
            after = row.entry.id;
            if (row.hash.empty()) {
                if (begun) {
                    report.broken = ChainBreak{row.entry.id,
                                               "the row has no hash, but rows before "
                                               "it are chained"};
                    break;
                }
                ++report.unchained;
                continue;
            }
            begun = true;
            if (row.prev_hash != expected_prev) {
                report.broken = ChainBreak{
                    row.entry.id, expected_prev.empty()
                                      ? "the first chained row links to a row that is not there"
                                      : "prev_hash does not match the previous row's hash: a row "
                                        "before it was removed, added or rewritten"};
                break;
            }
            if (audit_row_hash(row.prev_hash, row.entry) != row.hash) {
                report.broken =
                    ChainBreak{row.entry.id, "the hash does not match the row's content"};
                break;
            }
            expected_prev = row.hash;
            ++report.checked;
            report.last_id = row.entry.id;
            report.last_hash = row.hash;
        }
        if (rows.size() < static_cast<std::size_t>(kPage)) {
            break;
        }
    }
    return report;
}

std::optional<ChainHead> AuditChainCheck::head() const {
    return store_.read([&](plugin_api::StorageTransaction& tx) -> std::optional<ChainHead> {
        auto& chain = chain_of(tx);
        const auto newest = tx.list_audit({}, 0, 1);
        if (newest.empty()) {
            return std::nullopt;
        }
        const auto rows = chain.list_chained_audit(newest.front().id - 1, 1);
        if (rows.empty() || rows.front().hash.empty()) {
            return std::nullopt;
        }
        return ChainHead{rows.front().entry.id, rows.front().hash, rows.front().entry.at};
    });
}

}  // namespace vergegrid::control
