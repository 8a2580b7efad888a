// The INSERT of 1..kMaxRows rows into one table, its texts and placeholder names made once: a
// staged row's placeholders are :r<row>c<column>, short enough that a bound value's name needs no
// allocation of its own (building longer names per row cost more than the statement saved:
// docs/benchmarks.md, "Event bus").
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace vergegrid::plugins::sql {

class MultiRowInsert {
  public:
    // Rows per statement: a group-commit batch under load (~8 creates) is one statement, and the
    // statement cache holds one text per row count.
    static constexpr std::size_t kMaxRows = 8;

    // `values` gives a column an expression around its placeholder, "{value}" standing for it
    // (a Dialect's store_hash); the others take the bound value as it is.
    MultiRowInsert(const std::string& table, std::vector<std::string> columns,
                   const std::map<std::string, std::string>& values = {});

    // The statement for `rows` rows (1..kMaxRows).
    const std::string& text(std::size_t rows) const { return texts_[rows - 1]; }
    std::size_t columns() const { return columns_; }
    // The placeholder name of column `column` (an index into the constructor's list) in row `row`.
    const std::string& name(std::size_t row, std::size_t column) const {
        return names_[row * columns_ + column];
    }

  private:
    std::size_t columns_;
    std::vector<std::string> names_;
    std::vector<std::string> texts_;
};

}  // namespace vergegrid::plugins::sql
