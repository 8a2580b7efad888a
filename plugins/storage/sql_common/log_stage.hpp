// The rows of the append-only logs (audit_log, events) a transaction appended but has not written
// yet (Dialect::stages_log_rows). Under group commit a batch of creates appends an audit row and an
// event each; written together, in a few INSERTs before the COMMIT, they cost a few statements
// instead of two each, and an event that follows its own audit row is kept in that row: one
// B-tree append per change instead of two (docs/benchmarks.md, "Event bus").
//
// Audit rows and events are numbered from one sequence, assigned at append from the greatest
// number stored before the transaction's first row: the writer holds the database's write lock,
// so nobody else assigns any meanwhile. An audit row's id is its event's seq.
//
// The stage follows the transaction's savepoints: a ROLLBACK TO drops the rows appended since the
// savepoint, and any row written since then (the database rolled it back) is written again with
// the next flush. Pure bookkeeping: SociTransaction runs the SQL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::plugins::sql {

// An audit row and its links in the chain ("" in both for an unchained row).
struct StagedAudit {
    plugin_api::AuditEntry entry;  // entry.id is the row's number
    std::string prev_hash;
    std::string hash;
};

// One staged row: an audit row, with the event of its change when that was appended right after
// it; or an event on its own (a change that is not audited).
struct StagedRow {
    std::int64_t number = 0;  // the audit row's id and/or the event's seq
    std::optional<StagedAudit> audit;
    std::optional<plugin_api::OutboxEvent> event;  // event->seq == number
};

// An audit row keeps its event's subject and time as '' where they are the row's own entity_id
// and at (a few bytes less on every change). So an event fits in its audit row unless its own
// subject or time is '' while the row's is not; stored_event_column() is what the row stores.
bool event_fits_audit_row(const StagedAudit& audit, const plugin_api::OutboxEvent& event);
std::string stored_event_column(const std::string& event_value, const std::string& rows_own);

class LogStage {
  public:
    // False until start_from() (again after a rollback to a savepoint older than every row).
    bool knows_last_number() const { return last_number_.has_value(); }
    // The greatest audit id or event seq stored before this transaction's first row.
    void start_from(std::int64_t last_number) { last_number_ = last_number; }

    // Keep the row with the next number and return that number. Require knows_last_number().
    std::int64_t add_audit(StagedAudit audit);
    // Into the newest row when that is the unwritten audit row `event.audit_id` names and has no
    // event yet (its number is then the seq), else a row of its own with the next number. (Nor
    // when the event's subject or time is '' and the row's entity_id or at is not: the row
    // stores those two as '' when they are the row's own.)
    std::int64_t add_event(plugin_api::OutboxEvent event);

    // The rows not in the database yet, oldest first; then written() once they are.
    std::span<const StagedRow> unwritten() const;
    void written();

    void savepoint(const std::string& name);
    // Forgets the newest savepoint called `name` and every one after it; keeps the rows.
    void release(const std::string& name);
    // Back to the newest savepoint called `name`, which stays.
    void rollback_to(const std::string& name);
    // The transaction ended (committed or rolled back).
    void clear();

  private:
    struct Mark {
        std::string name;
        std::size_t rows = 0;
        std::size_t written = 0;
        std::optional<std::int64_t> last_number;
        // Whether the newest row then had its event: a rollback takes back an event added to it.
        bool newest_had_event = false;
    };
    std::int64_t next_number();
    // The newest mark called `name`, or marks_.size() when there is none.
    std::size_t find(const std::string& name) const;

    // This transaction's rows in number order: those not written, and those written since its
    // oldest open savepoint (a rollback may need them again).
    std::vector<StagedRow> rows_;
    std::size_t written_ = 0;  // rows_[0, written_) are in the database
    std::vector<Mark> marks_;
    std::optional<std::int64_t> last_number_;
};

}  // namespace vergegrid::plugins::sql
