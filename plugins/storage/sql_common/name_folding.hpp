// Estate and region names are unique ignoring letter case (schema 4): OpenSimulator looks regions
// up by name that way, so "Sandbox" beside "sandbox" would be one region to it. How a backend
// folds a name is its Dialect's (fold_name, folded_name, folded_key); this file turns that into
// SQL, and refuses a database whose existing names would break the new unique indexes.
#pragma once

#include <string>

namespace soci {
class session;
}

namespace vergegrid::plugins::sql {

struct Dialect;
struct Migration;

// The condition "the name in `column` equals the bound :key ignoring case", e.g.
// "lower(r.name) = lower(:key)": the indexed expression, so that the unique index answers it.
std::string folded_name_matches(const Dialect& dialect, const std::string& column);

// Throws std::runtime_error naming every group of estate names, then of region names, that differ
// only in letter case (as `dialect` folds them); reads only. The check run before the migration
// that adds the case-insensitive unique indexes: such a database is refused, not changed, so that
// the operator decides which one to rename (sql/README.md).
void refuse_names_clashing_in_case(soci::session& sql, const Dialect& dialect);

// Attaches refuse_names_clashing_in_case to the migration that makes names unique ignoring case
// (named "case_insensitive_names"), when `migration` is that one.
void attach_migration_check(Migration& migration, const Dialect& dialect);

}  // namespace vergegrid::plugins::sql
