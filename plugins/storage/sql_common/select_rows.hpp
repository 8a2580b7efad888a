// Runs a SELECT whose columns are bound into one row object that every fetch overwrites, and
// collects the rows converted to records. The caller's bind_params makes the soci::use bindings;
// what they refer to must live until the call returns.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace vergegrid::plugins::sql {

template <typename Row, typename BindRow, typename BindParams, typename Convert>
auto select_rows(soci::session& sql, const std::string& query, BindRow bind_row,
                 BindParams bind_params, Convert convert) {
    using Record = std::decay_t<std::invoke_result_t<Convert&, const Row&>>;
    std::vector<Record> records;
    Row row;
    soci::statement st(sql);
    bind_row(st, row);
    bind_params(st);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        records.push_back(convert(row));
    }
    return records;
}

// The first row only (the query selects by a unique key, or limits itself to one row).
template <typename Row, typename BindRow, typename BindParams, typename Convert>
auto select_first(soci::session& sql, const std::string& query, BindRow bind_row,
                  BindParams bind_params, Convert convert) {
    using Record = std::decay_t<std::invoke_result_t<Convert&, const Row&>>;
    Row row;
    soci::statement st(sql);
    bind_row(st, row);
    bind_params(st);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    if (!st.execute(true)) {
        return std::optional<Record>();
    }
    return std::optional<Record>(convert(row));
}

}  // namespace vergegrid::plugins::sql
