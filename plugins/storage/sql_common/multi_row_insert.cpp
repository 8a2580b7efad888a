#include "multi_row_insert.hpp"

#include "dialect.hpp"

namespace vergegrid::plugins::sql {

MultiRowInsert::MultiRowInsert(const std::string& table, std::vector<std::string> columns,
                               const std::map<std::string, std::string>& values)
    : columns_(columns.size()) {
    std::string list;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        list += (c == 0 ? "" : ", ") + columns[c];
    }
    std::string text = "INSERT INTO " + table + " (" + list + ") VALUES ";
    for (std::size_t r = 0; r < kMaxRows; ++r) {
        text += r == 0 ? "(" : ", (";
        for (std::size_t c = 0; c < columns.size(); ++c) {
            names_.push_back("r" + std::to_string(r) + "c" + std::to_string(c));
            const std::string placeholder = ":" + names_.back();
            const auto value = values.find(columns[c]);
            text += c == 0 ? "" : ", ";
            text += value == values.end() ? placeholder
                                          : with_slot(value->second, "{value}", placeholder);
        }
        text += ")";
        texts_.push_back(text);
    }
}

}  // namespace vergegrid::plugins::sql
