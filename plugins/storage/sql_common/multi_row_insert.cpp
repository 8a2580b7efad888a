#include "multi_row_insert.hpp"

#include <utility>

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
            // Appended piece by piece: GCC 12 at -O3 sees an overlap in "r" + std::string (a
            // false -Wrestrict) that a Release build printed.
            std::string name = "r";
            name += std::to_string(r);
            name += 'c';
            name += std::to_string(c);
            names_.push_back(std::move(name));
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
