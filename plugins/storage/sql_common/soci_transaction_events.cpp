// EventOutbox (plugin ABI 1.10): the events table of schema 11 (docs/events.md). A seq is the
// table's generated key, or where the dialect stages the rows (Dialect::stages_outbox_rows) the
// greatest stored seq plus one, assigned at append; either way it grows in commit order only
// because every read-write transaction holds the grid's write lock from its begin to its end
// (Dialect::begin_read_write/lock_grid), so no two transactions hold unassigned-but-uncommitted
// seqs at once. Staged rows are written before the COMMIT and before any read of the outbox.
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

struct TwoNumbers {
    long long first = 0;
    long long second = 0;
};

void bind_two_numbers(soci::statement& st, TwoNumbers& row) {
    st.exchange(soci::into(row.first));
    st.exchange(soci::into(row.second));
}

// A commit's staged rows go in statements of up to kStagedRowsPerStatement rows, one text per
// row count: a group-commit batch (~8 creates under load) is one statement, and the statement
// cache holds a few texts more.
constexpr std::size_t kStagedRowsPerStatement = 8;

// One staged row's placeholders, renamed r<i>_<column> (with_prefixed_placeholders), and the
// INSERT of 1..kStagedRowsPerStatement such rows.
struct StagedInsert {
    struct RowNames {
        std::string seq, id, type, subject, time, document, audit_id;
    };
    std::vector<RowNames> names;
    std::vector<std::string> texts;  // texts[n - 1]: n rows

    StagedInsert() {
        static const std::string row = "(:seq, :id, :type, :subject, :time, :document, :audit_id)";
        std::string text =
            "INSERT INTO events (seq, id, type, subject, time, document, audit_id) VALUES ";
        for (std::size_t i = 0; i < kStagedRowsPerStatement; ++i) {
            const std::string prefix = "r" + std::to_string(i) + "_";
            names.push_back({prefix + "seq", prefix + "id", prefix + "type", prefix + "subject",
                             prefix + "time", prefix + "document", prefix + "audit_id"});
            text += i == 0 ? "" : ", ";
            text += with_prefixed_placeholders(row, prefix);
            texts.push_back(text);
        }
    }
};

const StagedInsert& staged_insert() {
    static const StagedInsert statements;
    return statements;
}

}  // namespace

void SociTransaction::write_staged_events(soci::session& sql) {
    const auto& statements = staged_insert();
    auto rows = outbox_stage_.unwritten();
    while (!rows.empty()) {
        const std::size_t count = std::min(rows.size(), kStagedRowsPerStatement);
        BoundValues values;
        for (std::size_t i = 0; i < count; ++i) {
            const auto& event = rows[i];
            const auto& name = statements.names[i];
            values.number64(name.seq, event.seq)
                .text(name.id, event.id)
                .text(name.type, event.type)
                .text(name.subject, event.subject)
                .text(name.time, event.time)
                .text(name.document, event.document)
                .number64(name.audit_id, event.audit_id);
        }
        execute_cached(sql, statements.texts[count - 1], values);
        rows = rows.subspan(count);
    }
    outbox_stage_.written();
}

std::int64_t SociTransaction::append_event(const api::OutboxEvent& event) {
    if (event.id.empty()) {
        throw api::StorageError("append_event: the event has no id");
    }
    if (dialect_.stages_outbox_rows) {
        ensure_open("append_event");
        if (!outbox_stage_.knows_last_seq()) {
            outbox_stage_.start_from(last_event_seq());
        }
        return outbox_stage_.add(event);
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
        write_staged_events(sql);
        events = select_rows<EventRow>(
            lease_.statements(), sql,
            "SELECT seq, id, type, subject, time, document, audit_id FROM events WHERE seq > "
            ":after "
            "ORDER BY seq LIMIT :limit",
            bind_event, BoundValues().number64("after", after_seq).number("limit", limit),
            to_event);
    });
    return events;
}

std::int64_t SociTransaction::last_event_seq() {
    long long last = 0;
    run("last_event_seq", [&](soci::session& sql) {
        write_staged_events(sql);
        // The newest stored event, or the newest delete_events removed when none is newer.
        const auto row = select_first<TwoNumbers>(
            lease_.statements(), sql,
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events), through_seq FROM events_pruned "
            "WHERE id = 1",
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
        write_staged_events(sql);
        run_prepared_query<long long>(
            lease_.statements(), sql, "SELECT COALESCE(MIN(seq), 0) FROM events", BoundValues(),
            [](soci::statement& st, long long& value) { st.exchange(soci::into(value)); },
            [&](long long value) { first = value; });
    });
    return static_cast<std::int64_t>(first);
}

int SociTransaction::delete_events(std::int64_t through_seq, const std::string& before_time) {
    int deleted = 0;
    run("delete_events", [&](soci::session& sql) {
        write_staged_events(sql);
        // The first event to keep, walking from the oldest seq (no index on time: the walk reads
        // only the events about to go, and one more).
        long long keep = 0;
        run_prepared_query<long long>(
            lease_.statements(), sql,
            "SELECT COALESCE(MIN(seq), 0) FROM (SELECT seq FROM events WHERE seq <= :through AND "
            "time >= :before ORDER BY seq LIMIT 1) first_kept",
            BoundValues().number64("through", through_seq).text("before", before_time),
            [](soci::statement& st, long long& value) { st.exchange(soci::into(value)); },
            [&](long long value) { keep = value; });
        const long long bound = keep == 0 ? static_cast<long long>(through_seq) : keep - 1;
        // The greatest seq about to go: last_event_seq must still know it once it is gone.
        long long newest = 0;
        run_prepared_query<long long>(
            lease_.statements(), sql,
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE seq <= :bound",
            BoundValues().number64("bound", bound),
            [](soci::statement& st, long long& value) { st.exchange(soci::into(value)); },
            [&](long long value) { newest = value; });
        if (newest == 0) {
            return;
        }
        deleted = execute_cached_counted(sql, "DELETE FROM events WHERE seq <= :bound",
                                         BoundValues().number64("bound", bound));
        execute_cached(sql,
                       "UPDATE events_pruned SET through_seq = :newest WHERE id = 1 AND "
                       "through_seq < :newer_than",
                       BoundValues().number64("newest", newest).number64("newer_than", newest));
    });
    return deleted;
}

}  // namespace vergegrid::plugins::sql
