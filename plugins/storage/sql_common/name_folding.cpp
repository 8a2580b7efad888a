#include "name_folding.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <vector>

#include "dialect.hpp"
#include "migrations.hpp"

namespace vergegrid::plugins::sql {

namespace {

// Enough to show the operator what to fix without flooding the log of a badly broken grid.
constexpr int kMaxClashesNamed = 10;

std::string with_column(const std::string& pattern, const std::string& column) {
    return with_slot(pattern, "{column}", column);
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "'" : ", '") + name + "'";
    }
    return text;
}

// "'Sandbox', 'sandbox'; 'Main', 'MAIN'" for the names of `table` that fold alike, or "".
std::string clashes_in(soci::session& sql, const Dialect& dialect, const std::string& table) {
    const std::string folded = with_column(dialect.fold_name, "name");
    std::vector<std::string> keys;
    {
        std::string key;
        soci::statement st = (sql.prepare << "SELECT " + folded + " FROM " + table + " GROUP BY " +
                                                 folded + " HAVING COUNT(*) > 1 ORDER BY " + folded,
                              soci::into(key));
        st.execute();
        while (st.fetch() && static_cast<int>(keys.size()) < kMaxClashesNamed) {
            keys.push_back(key);
        }
    }
    std::string text;
    for (const auto& key : keys) {
        std::vector<std::string> names;
        std::string name;
        soci::statement st = (sql.prepare << "SELECT name FROM " + table + " WHERE " + folded +
                                                 " = :key ORDER BY name",
                              soci::use(key, "key"), soci::into(name));
        st.execute();
        while (st.fetch()) {
            names.push_back(name);
        }
        text += (text.empty() ? "" : "; ") + quoted_list(names);
    }
    return text;
}

}  // namespace

std::string folded_name_matches(const Dialect& dialect, const std::string& column) {
    return with_column(dialect.folded_name, column) + " = " + dialect.folded_key;
}

void refuse_names_clashing_in_case(soci::session& sql, const Dialect& dialect) {
    std::string problems;
    for (const char* table : {"estates", "regions"}) {
        const std::string clashes = clashes_in(sql, dialect, table);
        if (!clashes.empty()) {
            problems += std::string(problems.empty() ? "" : "; and ") + table + " named " + clashes;
        }
    }
    if (!problems.empty()) {
        throw std::runtime_error(
            "names must now be unique ignoring letter case, and this database holds " + problems +
            " (at most " + std::to_string(kMaxClashesNamed) +
            " groups per table shown). Nothing was changed: rename all but one of each group "
            "(with the previous VergeGrid release, or in the database), then start again");
    }
}

void attach_migration_check(Migration& migration, const Dialect& dialect) {
    if (migration.name == "case_insensitive_names") {
        migration.check = [&dialect](soci::session& sql) {
            refuse_names_clashing_in_case(sql, dialect);
        };
    }
}

}  // namespace vergegrid::plugins::sql
