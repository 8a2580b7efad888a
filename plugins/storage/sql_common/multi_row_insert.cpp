#include "multi_row_insert.hpp"

#include "dialect.hpp"
#include "statement_cache.hpp"

namespace vergegrid::plugins::sql {

MultiRowInsert::MultiRowInsert(const std::string& table, std::vector<std::string> columns,
                               const std::map<std::string, std::string>& values)
    : columns_(columns.size()) {
    std::string list;
    std::string row = "(";
    for (std::size_t c = 0; c < columns.size(); ++c) {
        list += (c == 0 ? "" : ", ") + columns[c];
        const auto value = values.find(columns[c]);
        const std::string placeholder = ":" + columns[c];
        row += (c == 0 ? "" : ", ") + (value == values.end()
                                           ? placeholder
                                           : with_slot(value->second, "{value}", placeholder));
    }
    row += ")";
    std::string text = "INSERT INTO " + table + " (" + list + ") VALUES ";
    for (std::size_t r = 0; r < kMaxRows; ++r) {
        const std::string prefix = "r" + std::to_string(r) + "_";
        for (const auto& column : columns) {
            names_.push_back(prefix + column);
        }
        text += r == 0 ? "" : ", ";
        text += with_prefixed_placeholders(row, prefix);
        texts_.push_back(text);
    }
}

}  // namespace vergegrid::plugins::sql
