// Runs a SELECT from the connection's statement cache: its columns are bound into one row object
// that every fetch overwrites, and the rows come back converted to records.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "prepared_statement.hpp"

namespace vergegrid::plugins::sql {

template <typename Row, typename BindRow, typename Convert>
auto select_rows(StatementCache& statements, soci::session& sql, const std::string& query,
                 BindRow bind_row, const BoundValues& values, Convert convert) {
    using Record = std::decay_t<std::invoke_result_t<Convert&, const Row&>>;
    std::vector<Record> records;
    run_prepared_query<Row>(statements, sql, query, values, bind_row,
                            [&](const Row& row) { records.push_back(convert(row)); });
    return records;
}

// The first row only (the query selects by a unique key, or limits itself to one row).
template <typename Row, typename BindRow, typename Convert>
auto select_first(StatementCache& statements, soci::session& sql, const std::string& query,
                  BindRow bind_row, const BoundValues& values, Convert convert) {
    using Record = std::decay_t<std::invoke_result_t<Convert&, const Row&>>;
    std::optional<Record> first;
    run_prepared_query<Row>(statements, sql, query, values, bind_row, [&](const Row& row) {
        if (!first) {
            first = convert(row);
        }
    });
    return first;
}

}  // namespace vergegrid::plugins::sql
