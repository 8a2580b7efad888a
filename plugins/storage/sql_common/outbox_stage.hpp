// The outbox rows a transaction appended but has not written yet (Dialect::stages_outbox_rows).
// Under group commit a batch of creates appends one event each; written together, in one
// INSERT before the COMMIT, they cost one statement instead of one each (docs/benchmarks.md,
// "Event bus"). Seqs are still assigned at append, from the greatest seq stored before the
// transaction's first row: the writer holds the database's write lock, so nobody else assigns
// any meanwhile.
//
// The stage follows the transaction's savepoints: a ROLLBACK TO drops the rows appended since
// the savepoint, and any row written since then (the database rolled it back) is written again
// with the next flush. Pure bookkeeping: SociTransaction runs the SQL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_events.hpp"

namespace vergegrid::plugins::sql {

class OutboxStage {
  public:
    // False until start_from() (again after a rollback to a savepoint older than every row).
    bool knows_last_seq() const { return last_seq_.has_value(); }
    // The greatest seq stored before this transaction's first row.
    void start_from(std::int64_t last_seq) { last_seq_ = last_seq; }
    // Keeps the row with the next seq and returns that seq. Requires knows_last_seq().
    std::int64_t add(plugin_api::OutboxEvent event);

    // The rows not in the database yet, oldest first; then written() once they are.
    std::span<const plugin_api::OutboxEvent> unwritten() const;
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
        std::optional<std::int64_t> last_seq;
    };
    // The newest mark called `name`, or marks_.size() when there is none.
    std::size_t find(const std::string& name) const;

    // This transaction's rows in seq order: those not written, and those written since its oldest
    // open savepoint (a rollback may need them again).
    std::vector<plugin_api::OutboxEvent> rows_;
    std::size_t written_ = 0;  // rows_[0, written_) are in the database
    std::vector<Mark> marks_;
    std::optional<std::int64_t> last_seq_;
};

}  // namespace vergegrid::plugins::sql
