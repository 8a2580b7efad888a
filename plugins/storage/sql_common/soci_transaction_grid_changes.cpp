// GridChangeLog (plugin ABI 1.7): the grid generation and its change log (schema 7,
// docs/placement.md "The grid cache"). Every write that matters to placement calls
// log_grid_change inside its own statement run, so it commits (or rolls back, also to a
// savepoint) with the write it describes.
#include <soci/soci.h>

#include "prepared_statement.hpp"
#include "region_row.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// How many log rows the writers keep, and how often they prune: a reader further behind than
// this reads the whole grid (one full load), which is what it did on every request before.
// Heartbeats change simulators (their load figures are placement inputs): 10,000 simulators
// beating every 15 s log ~670 rows a second, so this keeps about five minutes of them.
constexpr long long kKeptChanges = 200000;
constexpr long long kPruneEvery = 1000;

const std::string kFootprintByUuid = std::string(kFootprintSelect) + "WHERE r.uuid = :uuid";

struct ChangeRow {
    long long generation = 0;  // SOCI 4.0 binds 64-bit integers as long long
    api::GridChange change;
};

// From the connection's statement cache: every placing write asks, inside its transaction.
long long current_generation(StatementCache& cache, soci::session& sql, const char* suffix) {
    long long generation = 0;
    run_prepared_query<long long>(
        cache, sql, std::string("SELECT generation FROM grid_generation WHERE id = 1") + suffix,
        BoundValues(), [](soci::statement& st, long long& row) { st.exchange(soci::into(row)); },
        [&](long long row) { generation = row; });
    return generation;
}

}  // namespace

void SociTransaction::log_grid_change(soci::session& sql, const char* kind,
                                      const std::string& entity_id,
                                      std::initializer_list<Write> writes) {
    long long generation = 0;
    if (dialect_.writes_in_with) {
        // WITH w0 AS (write), ..., g AS (the bump) INSERT the log row: each write's placeholders
        // renamed apart, since several bind :uuid. The text depends only on the writes' texts,
        // so it is prepared once per connection like any other.
        std::string text = "WITH ";
        BoundValues values;
        std::size_t i = 0;
        for (const auto& write : writes) {
            std::string prefix = "w";
            prefix += std::to_string(i++);
            prefix += '_';
            // Appended piece by piece: GCC 12 sees an overlap that is not in a chain of +.
            text += prefix;
            text += " AS (";
            text += with_prefixed_placeholders(write.text, prefix);
            text += "), ";
            values.add_prefixed(write.values, prefix);
        }
        text +=
            "g AS (UPDATE grid_generation SET generation = generation + 1 WHERE id = 1 "
            "RETURNING generation) INSERT INTO grid_changes (generation, kind, entity_id) "
            "SELECT generation, :kind, :entity_id FROM g RETURNING generation";
        values.text("kind", kind).text("entity_id", entity_id);
        generation = run_prepared_command<long long>(
            lease_.statements(), sql, text, values,
            [](soci::statement& st, long long& row) { st.exchange(soci::into(row)); });
    } else {
        for (const auto& write : writes) {
            execute_cached(sql, write.text, write.values);
        }
        execute_cached(sql, "UPDATE grid_generation SET generation = generation + 1 WHERE id = 1",
                       BoundValues());
        generation = current_generation(lease_.statements(), sql, "");
        execute_cached(sql,
                       "INSERT INTO grid_changes (generation, kind, entity_id) VALUES "
                       "(:generation, :kind, :entity_id)",
                       BoundValues()
                           .number64("generation", generation)
                           .text("kind", kind)
                           .text("entity_id", entity_id));
    }
    if (generation % kPruneEvery == 0) {
        execute_cached(sql, "DELETE FROM grid_changes WHERE generation <= :horizon",
                       BoundValues().number64("horizon", generation - kKeptChanges));
    }
}

std::int64_t SociTransaction::lock_grid_generation() {
    long long generation = 0;
    run("lock_grid_generation", [&](soci::session& sql) {
        // SQLite's write transaction (BEGIN IMMEDIATE) already serialises; the others lock the row.
        generation = current_generation(lease_.statements(), sql,
                                        dialect_.lock_grid.empty() ? "" : " FOR UPDATE");
    });
    return generation;
}

api::GridChanges SociTransaction::grid_changes_since(std::int64_t since) {
    api::GridChanges result;
    run("grid_changes_since", [&](soci::session& sql) {
        // Every bump logs exactly one row under its own generation and pruning takes the oldest
        // rows only, so the log still reaches back to `since` exactly when its first row after
        // `since` is since + 1: one query where changes exist, which is when the grid cache asks.
        // No row at all: nothing changed, unless the generation moved on (the log emptied).
        run_prepared_query<ChangeRow>(
            lease_.statements(), sql,
            "SELECT generation, kind, entity_id FROM grid_changes WHERE generation > :since "
            "ORDER BY generation",
            BoundValues().number64("since", since),
            [](soci::statement& st, ChangeRow& row) {
                st.exchange(soci::into(row.generation));
                st.exchange(soci::into(row.change.kind));
                st.exchange(soci::into(row.change.entity_id));
            },
            [&](const ChangeRow& row) {
                result.changes.push_back(row.change);
                result.changes.back().generation = row.generation;
            });
        const bool reaches_back = result.changes.empty()
                                      ? current_generation(lease_.statements(), sql, "") <= since
                                      : result.changes.front().generation == since + 1;
        if (!reaches_back) {
            result.changes.clear();
            result.pruned = true;
        }
    });
    return result;
}

std::vector<api::RegionFootprint> SociTransaction::find_region_footprints(
    const std::vector<std::string>& uuids) {
    std::vector<api::RegionFootprint> result;
    run("find_region_footprints", [&](soci::session& sql) {
        for (const auto& uuid : uuids) {
            run_prepared_query<api::RegionFootprint>(
                lease_.statements(), sql, kFootprintByUuid, BoundValues().text("uuid", uuid),
                bind_footprint, [&](const api::RegionFootprint& f) { result.push_back(f); });
        }
    });
    return result;
}

int SociTransaction::count_regions_on_simulator(const std::string& simulator_id) {
    int count = 0;
    run("count_regions_on_simulator", [&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM regions WHERE placement_simulator_id = :id",
            soci::use(simulator_id, "id"), soci::into(count);
    });
    return count;
}

}  // namespace vergegrid::plugins::sql
