// Running a statement from a connection's StatementCache: prepared on first use with the values
// it binds and the row it fetches into, then run again with each caller's values. One place for
// the rules every cached statement follows: a query is fetched to the end (no SQLite statement
// left mid-step, holding a read snapshot, between runs) and a statement whose run failed is
// dropped (its state is unknown).
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>

#include "statement_cache.hpp"

namespace vergegrid::plugins::sql {

// What a command without result columns fetches into.
struct NoRow {};
inline void bind_no_row(soci::statement&, NoRow&) {}

template <typename Row>
struct PreparedStatement final : StatementCache::Entry {
    template <typename BindRow>
    PreparedStatement(soci::session& sql, const std::string& text, const BoundValues& shape,
                      BindRow bind_row)
        : values(shape), st(sql) {
        bind_row(st, row);
        values.bind_into(st);
        st.alloc();
        st.prepare(text);
        st.define_and_bind();
    }
    Row row;
    BoundValues values;
    soci::statement st;  // last: destroyed before what it binds
};

// Runs the query `text` with `values`; `bind_row` binds its columns into a Row, `on_row` gets
// each row fetched.
template <typename Row, typename BindRow, typename OnRow>
void run_prepared_query(StatementCache& cache, soci::session& sql, const std::string& text,
                        const BoundValues& values, BindRow bind_row, OnRow on_row) {
    auto& prepared = cache.get<PreparedStatement<Row>>(text, [&] {
        return std::make_unique<PreparedStatement<Row>>(sql, text, values, bind_row);
    });
    prepared.values.take_values(values);
    try {
        prepared.st.execute();
        while (prepared.st.fetch()) {
            on_row(prepared.row);
        }
    } catch (...) {
        cache.forget(text);
        throw;
    }
}

// Runs the command `text` (INSERT, UPDATE, DELETE) once with `values`; returns what `bind_row`
// bound (a RETURNING clause), or NoRow.
template <typename Row = NoRow, typename BindRow = decltype(&bind_no_row)>
Row run_prepared_command(StatementCache& cache, soci::session& sql, const std::string& text,
                         const BoundValues& values, BindRow bind_row = &bind_no_row) {
    auto& prepared = cache.get<PreparedStatement<Row>>(text, [&] {
        return std::make_unique<PreparedStatement<Row>>(sql, text, values, bind_row);
    });
    prepared.values.take_values(values);
    try {
        prepared.st.execute(true);
    } catch (...) {
        cache.forget(text);
        throw;
    }
    return prepared.row;
}

// Runs the command `text` (UPDATE, DELETE) once with `values`; returns how many rows it changed
// (MariaDB counts a row whose values stay the same as unchanged).
inline long long run_prepared_counted(StatementCache& cache, soci::session& sql,
                                      const std::string& text, const BoundValues& values) {
    auto& prepared = cache.get<PreparedStatement<NoRow>>(text, [&] {
        return std::make_unique<PreparedStatement<NoRow>>(sql, text, values, &bind_no_row);
    });
    prepared.values.take_values(values);
    try {
        prepared.st.execute(true);
        return prepared.st.get_affected_rows();
    } catch (...) {
        cache.forget(text);
        throw;
    }
}

}  // namespace vergegrid::plugins::sql
