// AuditChain (plugin ABI 1.10): the audit log's prev_hash and hash columns (schema 11). The
// control plane computes the hashes; storage keeps them beside the row and hands them back in id
// order for GET /api/v1/audit/verify. append_audit (soci_transaction_log.cpp) leaves both ''.
// Where the dialect stages log rows (LogStage), an appended row waits in the stage until the
// COMMIT or the next read of the log.
#include <soci/soci.h>

#include "audit_row.hpp"
#include "dialect.hpp"
#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct ChainedRow {
    api::ChainedAudit audit;
    long long id = 0;
};

void bind_chained(soci::statement& st, ChainedRow& row) {
    bind_audit_entry(st, row.id, row.audit.entry);
    st.exchange(soci::into(row.audit.prev_hash));
    st.exchange(soci::into(row.audit.hash));
}

api::ChainedAudit to_chained(const ChainedRow& row) {
    api::ChainedAudit audit = row.audit;
    audit.entry.id = static_cast<std::int64_t>(row.id);
    return audit;
}

}  // namespace

std::string SociTransaction::last_audit_hash() {
    if (audit_chain_head_) {
        return *audit_chain_head_;
    }
    std::string hash;
    run("last_audit_hash", [&](soci::session& sql) {
        write_staged_rows(sql);
        run_prepared_query<std::string>(
            lease_.statements(), sql,
            "SELECT " + with_slot(dialect_.hash_as_hex, "{column}", "hash") +
                " FROM audit_log ORDER BY id DESC LIMIT 1",
            BoundValues(),
            [](soci::statement& st, std::string& value) { st.exchange(soci::into(value)); },
            [&](const std::string& value) { hash = value; });
    });
    audit_chain_head_ = hash;
    return hash;
}

std::int64_t SociTransaction::append_chained_audit(const api::AuditEntry& a,
                                                   const std::string& prev_hash,
                                                   const std::string& hash) {
    if (dialect_.stages_log_rows) {
        ensure_open("append_chained_audit");
        start_log_stage("append_chained_audit");
        const auto id = log_stage_.add_audit(StagedAudit{a, prev_hash, hash});
        audit_chain_head_ = hash;
        return id;
    }
    long long id = 0;
    run("append_chained_audit", [&](soci::session& sql) {
        id = insert_cached_returning_id(
            sql,
            "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, request_id, "
            "before_doc, after_doc, prev_hash, hash) VALUES (:at, :actor, :action, :entity_type, "
            ":entity_id, :request_id, :before_doc, :after_doc, " +
                with_slot(dialect_.store_hash, "{value}", ":prev_hash") + ", " +
                with_slot(dialect_.store_hash, "{value}", ":hash") + ")",
            BoundValues()
                .text("at", a.at)
                .text("actor", a.actor)
                .text("action", a.action)
                .text("entity_type", a.entity_type)
                .text("entity_id", a.entity_id)
                .text("request_id", a.request_id)
                .text("before_doc", a.before)
                .text("after_doc", a.after)
                .text("prev_hash", prev_hash)
                .text("hash", hash));
    });
    audit_chain_head_ = hash;
    return static_cast<std::int64_t>(id);
}

std::vector<api::ChainedAudit> SociTransaction::list_chained_audit(std::int64_t after_id,
                                                                   int limit) {
    std::vector<api::ChainedAudit> rows;
    if (limit <= 0) {
        return rows;
    }
    run("list_chained_audit", [&](soci::session& sql) {
        write_staged_rows(sql);
        rows = select_rows<ChainedRow>(
            lease_.statements(), sql,
            "SELECT id, at, actor, action, entity_type, entity_id, request_id, before_doc, "
            "after_doc, " +
                with_slot(dialect_.hash_as_hex, "{column}", "prev_hash") + ", " +
                with_slot(dialect_.hash_as_hex, "{column}", "hash") +
                " FROM audit_log WHERE id > :after ORDER BY id LIMIT :limit",
            bind_chained, BoundValues().number64("after", after_id).number("limit", limit),
            to_chained);
    });
    return rows;
}

}  // namespace vergegrid::plugins::sql
