// EventOutbox (plugin ABI 1.10): the events table of schema 11 (docs/events.md). A seq is the
// table's generated key, or where the dialect stages the log rows (Dialect::stages_log_rows) the
// greatest number stored plus one, assigned at append; either way it grows in commit order only
// because every read-write transaction holds the grid's write lock from its begin to its end
// (Dialect::begin_read_write/lock_grid), so no two transactions hold unassigned-but-uncommitted
// seqs at once. Staged rows are written before the COMMIT and before any read of the logs.
//
// Where the dialect stages log rows, an event appended right after its audit row is kept in that
// row (schema 13: audit_log.event_*, the audit id is the seq), and the outbox is the events table
// and those audit rows read together in seq order. events_pruned.through_seq hides the audit rows'
// events that delete_events took (the audit row itself stays).
#include <soci/soci.h>

#include <algorithm>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct EventRow {
    api::OutboxEvent event;
    long long seq = 0;
    long long audit_id = 0;
};

void bind_event(soci::statement& st, EventRow& row) {
    st.exchange(soci::into(row.seq));
    st.exchange(soci::into(row.event.id));
    st.exchange(soci::into(row.event.type));
    st.exchange(soci::into(row.event.subject));
    st.exchange(soci::into(row.event.time));
    st.exchange(soci::into(row.event.document));
    st.exchange(soci::into(row.audit_id));
}

api::OutboxEvent to_event(const EventRow& row) {
    api::OutboxEvent event = row.event;
    event.seq = static_cast<std::int64_t>(row.seq);
    event.audit_id = static_cast<std::int64_t>(row.audit_id);
    return event;
}

// An audit row's event's subject and time: stored '' when they are the row's entity_id and at.
const std::string kAuditEventSubject =
    "CASE WHEN event_subject = '' THEN entity_id ELSE event_subject END";
const std::string kAuditEventTime = "CASE WHEN event_time = '' THEN at ELSE event_time END";
// The audit rows that may still hold an event of the outbox lie above this: the events up to
// through_seq are pruned, and the rows an upgraded database had before schema 13 hold none (so
// reading the outbox never walks them).
const std::string kAuditEventsFloor =
    "(SELECT MAX(through_seq, audit_events_after) FROM events_pruned WHERE id = 1)";

struct TwoNumbers {
    long long first = 0;
    long long second = 0;
};

void bind_two_numbers(soci::statement& st, TwoNumbers& row) {
    st.exchange(soci::into(row.first));
    st.exchange(soci::into(row.second));
}

}  // namespace

std::int64_t SociTransaction::append_event(const api::OutboxEvent& event) {
    if (event.id.empty()) {
        throw api::StorageError("append_event: the event has no id");
    }
    if (dialect_.stages_log_rows) {
        ensure_open("append_event");
        start_log_stage("append_event");
        return log_stage_.add_event(event);
    }
    long long seq = 0;
    run("append_event", [&](soci::session& sql) {
        seq = insert_cached_returning_id(
            sql,
            "INSERT INTO events (id, type, subject, time, document, audit_id) VALUES (:id, "
            ":type, :subject, :time, :document, :audit_id)",
            BoundValues()
                .text("id", event.id)
                .text("type", event.type)
                .text("subject", event.subject)
                .text("time", event.time)
                .text("document", event.document)
                .number64("audit_id", event.audit_id),
            "seq");
    });
    return static_cast<std::int64_t>(seq);
}

std::vector<api::OutboxEvent> SociTransaction::list_events_after(std::int64_t after_seq,
                                                                 int limit) {
    std::vector<api::OutboxEvent> events;
    if (limit <= 0) {
        return events;
    }
    run("list_events_after", [&](soci::session& sql) {
        write_staged_rows(sql);
        const BoundValues values =
            BoundValues().number64("after", after_seq).number("limit", limit);
        events = select_rows<EventRow>(
            lease_.statements(), sql,
            "SELECT seq, id, type, subject, time, document, audit_id FROM events WHERE seq > "
            ":after ORDER BY seq LIMIT :limit",
            bind_event, values, to_event);
        if (!dialect_.stages_log_rows) {
            return;
        }
        // The audit rows' events, their data the row's own document (audit_id = id).
        auto in_audit_rows = select_rows<EventRow>(
            lease_.statements(), sql,
            "SELECT id, event_id, event_type, " + kAuditEventSubject + ", " + kAuditEventTime +
                ", event_document, id FROM audit_log WHERE id > :after AND id > " +
                kAuditEventsFloor + " AND event_id <> '' ORDER BY id LIMIT :limit",
            bind_event, values, to_event);
        if (in_audit_rows.empty()) {
            return;
        }
        std::vector<api::OutboxEvent> merged;
        merged.reserve(events.size() + in_audit_rows.size());
        std::merge(
            std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()),
            std::make_move_iterator(in_audit_rows.begin()),
            std::make_move_iterator(in_audit_rows.end()), std::back_inserter(merged),
            [](const api::OutboxEvent& a, const api::OutboxEvent& b) { return a.seq < b.seq; });
        merged.resize(std::min(merged.size(), static_cast<std::size_t>(limit)));
        events = std::move(merged);
    });
    return events;
}

std::int64_t SociTransaction::last_event_seq() {
    long long last = 0;
    run("last_event_seq", [&](soci::session& sql) {
        write_staged_rows(sql);
        // The newest stored event, or the newest delete_events removed when none is newer, or
        // (staged log rows) the newest seq given to an event, in an audit row or not.
        const auto row = select_first<TwoNumbers>(
            lease_.statements(), sql,
            dialect_.stages_log_rows
                ? "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events), MAX(through_seq, last_seq) "
                  "FROM events_pruned WHERE id = 1"
                : "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events), through_seq FROM "
                  "events_pruned WHERE id = 1",
            bind_two_numbers, BoundValues(), [](const TwoNumbers& r) { return r; });
        if (row) {
            last = std::max(row->first, row->second);
        }
    });
    return static_cast<std::int64_t>(last);
}

std::int64_t SociTransaction::first_event_seq() {
    long long first = 0;
    run("first_event_seq", [&](soci::session& sql) {
        write_staged_rows(sql);
        const auto row = select_first<TwoNumbers>(
            lease_.statements(), sql,
            dialect_.stages_log_rows
                ? "SELECT (SELECT COALESCE(MIN(seq), 0) FROM events), (SELECT COALESCE(MIN(id), "
                  "0) FROM (SELECT id FROM audit_log WHERE id > " +
                      kAuditEventsFloor + " AND event_id <> '' ORDER BY id LIMIT 1) oldest)"
                : std::string("SELECT (SELECT COALESCE(MIN(seq), 0) FROM events), 0"),
            bind_two_numbers, BoundValues(), [](const TwoNumbers& r) { return r; });
        if (row) {
            first = row->first == 0 || row->second == 0 ? std::max(row->first, row->second)
                                                        : std::min(row->first, row->second);
        }
    });
    return static_cast<std::int64_t>(first);
}

int SociTransaction::delete_events(std::int64_t through_seq, const std::string& before_time) {
    int deleted = 0;
    run("delete_events", [&](soci::session& sql) {
        write_staged_rows(sql);
        const auto number = [&](const std::string& text, const BoundValues& values) {
            long long value = 0;
            run_prepared_query<long long>(
                lease_.statements(), sql, text, values,
                [](soci::statement& st, long long& v) { st.exchange(soci::into(v)); },
                [&](long long v) { value = v; });
            return value;
        };
        const bool audit_rows = dialect_.stages_log_rows;
        // The audit rows whose events are still in the outbox, from the oldest.
        const std::string kept_audit_events = "FROM audit_log WHERE id > " + kAuditEventsFloor +
                                              " AND event_id <> '' AND id <= :bound";
        const auto earliest = [](long long a, long long b) {
            return a == 0 || b == 0 ? std::max(a, b) : std::min(a, b);
        };
        // The first event to keep, walking from the oldest seq (no index on time: the walk reads
        // only the events about to go, and one more).
        const BoundValues up_to_time =
            BoundValues().number64("bound", through_seq).text("before", before_time);
        long long keep = number(
            "SELECT COALESCE(MIN(seq), 0) FROM (SELECT seq FROM events WHERE seq <= :bound AND "
            "time >= :before ORDER BY seq LIMIT 1) first_kept",
            up_to_time);
        if (audit_rows) {
            keep = earliest(keep, number("SELECT COALESCE(MIN(id), 0) FROM (SELECT id " +
                                             kept_audit_events + " AND " + kAuditEventTime +
                                             " >= :before ORDER BY id LIMIT 1) "
                                             "first_kept",
                                         up_to_time));
        }
        const BoundValues bound = BoundValues().number64(
            "bound", keep == 0 ? static_cast<long long>(through_seq) : keep - 1);
        // The greatest seq about to go: last_event_seq must still know it once it is gone.
        long long newest =
            number("SELECT COALESCE(MAX(seq), 0) FROM events WHERE seq <= :bound", bound);
        int hidden = 0;
        if (audit_rows) {
            // The audit rows' events about to be hidden: the newest and how many, in one walk.
            const auto taken = select_first<TwoNumbers>(
                lease_.statements(), sql,
                "SELECT COALESCE(MAX(id), 0), COUNT(*) " + kept_audit_events, bind_two_numbers,
                bound, [](const TwoNumbers& r) { return r; });
            if (taken) {
                newest = std::max(newest, taken->first);
                hidden = static_cast<int>(taken->second);
            }
        }
        if (newest == 0) {
            return;
        }
        deleted =
            execute_cached_counted(sql, "DELETE FROM events WHERE seq <= :bound", bound) + hidden;
        execute_cached(sql,
                       "UPDATE events_pruned SET through_seq = :newest WHERE id = 1 AND "
                       "through_seq < :newer_than",
                       BoundValues().number64("newest", newest).number64("newer_than", newest));
    });
    return deleted;
}

}  // namespace vergegrid::plugins::sql
