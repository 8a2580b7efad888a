// The SQL side of LogStage (Dialect::stages_log_rows): where its numbering starts, and how its
// rows reach audit_log and events. An audit row carries the event of its change in its event_*
// columns (schema 13), its subject and time as stored_event_column() says. events_pruned.last_seq
// keeps the greatest seq given to an event, so that last_event_seq need not look for the newest
// among the audit rows.
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "dialect.hpp"
#include "multi_row_insert.hpp"
#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

enum AuditColumn {
    kId,
    kAt,
    kActor,
    kAction,
    kEntityType,
    kEntityId,
    kRequestId,
    kBeforeDoc,
    kAfterDoc,
    kPrevHash,
    kHash,
    kEventId,
    kEventType,
    kEventSubject,
    kEventTime,
    kEventDocument,
};

// Made once per dialect (its store_hash is in the text); a test binary holds several backends.
const MultiRowInsert& audit_insert(const Dialect& dialect) {
    static std::mutex mutex;
    static std::map<const Dialect*, MultiRowInsert> made;
    const std::lock_guard lock(mutex);
    auto it = made.find(&dialect);
    if (it == made.end()) {
        const MultiRowInsert insert(
            "audit_log",
            {"id", "at", "actor", "action", "entity_type", "entity_id", "request_id", "before_doc",
             "after_doc", "prev_hash", "hash", "event_id", "event_type", "event_subject",
             "event_time", "event_document"},
            {{"prev_hash", dialect.store_hash}, {"hash", dialect.store_hash}});
        it = made.emplace(&dialect, insert).first;
    }
    return it->second;
}

enum EventColumn { kSeq, kEvId, kEvType, kEvSubject, kEvTime, kEvDocument, kEvAuditId };

const MultiRowInsert& event_insert() {
    static const MultiRowInsert insert(
        "events", {"seq", "id", "type", "subject", "time", "document", "audit_id"});
    return insert;
}

void bind_audit_row(const MultiRowInsert& insert, BoundValues& values, std::size_t r,
                    const StagedRow& row) {
    const auto name = [&](AuditColumn column) -> const std::string& {
        return insert.name(r, column);
    };
    const auto& a = row.audit->entry;
    values.number64(name(kId), row.number)
        .text(name(kAt), a.at)
        .text(name(kActor), a.actor)
        .text(name(kAction), a.action)
        .text(name(kEntityType), a.entity_type)
        .text(name(kEntityId), a.entity_id)
        .text(name(kRequestId), a.request_id)
        .text(name(kBeforeDoc), a.before)
        .text(name(kAfterDoc), a.after)
        .text(name(kPrevHash), row.audit->prev_hash)
        .text(name(kHash), row.audit->hash);
    const api::OutboxEvent none;
    const auto& e = row.event ? *row.event : none;
    values.text(name(kEventId), e.id)
        .text(name(kEventType), e.type)
        .text(name(kEventSubject), stored_event_column(e.subject, a.entity_id))
        .text(name(kEventTime), stored_event_column(e.time, a.at))
        .text(name(kEventDocument), e.document);
}

void bind_event_row(const MultiRowInsert& insert, BoundValues& values, std::size_t r,
                    const StagedRow& row) {
    const auto name = [&](EventColumn column) -> const std::string& {
        return insert.name(r, column);
    };
    const auto& e = *row.event;
    values.number64(name(kSeq), row.number)
        .text(name(kEvId), e.id)
        .text(name(kEvType), e.type)
        .text(name(kEvSubject), e.subject)
        .text(name(kEvTime), e.time)
        .text(name(kEvDocument), e.document)
        .number64(name(kEvAuditId), e.audit_id);
}

struct FourNumbers {
    long long a = 0, b = 0, c = 0, d = 0;
};

}  // namespace

void SociTransaction::start_log_stage(const char* operation) {
    if (log_stage_.knows_last_number()) {
        return;
    }
    long long last = 0;
    run(operation, [&](soci::session& sql) {
        // Every number ever given: audit ids, stored seqs, the seqs pruned and the newest seq ever
        // given to an event (its audit row may be gone: a seq is never given twice).
        const auto row = select_first<FourNumbers>(
            lease_.statements(), sql,
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_log), (SELECT COALESCE(MAX(seq), 0) "
            "FROM events), through_seq, last_seq FROM events_pruned WHERE id = 1",
            [](soci::statement& st, FourNumbers& r) {
                st.exchange(soci::into(r.a));
                st.exchange(soci::into(r.b));
                st.exchange(soci::into(r.c));
                st.exchange(soci::into(r.d));
            },
            BoundValues(),
            [](const FourNumbers& r) {
                return std::max({r.a, r.b, r.c, r.d});
            });
        last = row.value_or(0);
    });
    log_stage_.start_from(static_cast<std::int64_t>(last));
}

void SociTransaction::write_staged_rows(soci::session& sql) {
    const auto rows = log_stage_.unwritten();
    if (rows.empty()) {
        return;
    }
    // The audit rows, then the events of their own, each in statements of up to kMaxRows rows.
    const auto write = [&](const MultiRowInsert& insert, bool audit_rows, auto bind_row) {
        BoundValues values;
        values.reserve(MultiRowInsert::kMaxRows * insert.columns());
        std::size_t count = 0;
        const auto flush = [&] {
            execute_cached(sql, insert.text(count), values);
            values.clear();
            count = 0;
        };
        for (const auto& row : rows) {
            if (row.audit.has_value() != audit_rows) {
                continue;
            }
            bind_row(insert, values, count, row);
            if (++count == MultiRowInsert::kMaxRows) {
                flush();
            }
        }
        if (count > 0) {
            flush();
        }
    };
    write(audit_insert(dialect_), true, bind_audit_row);
    write(event_insert(), false, bind_event_row);
    long long newest_event = 0;
    for (const auto& row : rows) {
        if (row.event) {
            newest_event = std::max<long long>(newest_event, row.number);
        }
    }
    if (newest_event > 0) {
        execute_cached(
            sql, "UPDATE events_pruned SET last_seq = :seq WHERE id = 1 AND last_seq < :bound",
            BoundValues().number64("seq", newest_event).number64("bound", newest_event));
    }
    log_stage_.written();
}

}  // namespace vergegrid::plugins::sql
