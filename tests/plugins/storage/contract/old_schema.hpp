// Databases as an earlier release left them, for the tests that upgrade one: the migration files
// of sql/<backend>/ applied by the runner's rule, up to a given schema, and recorded as the runner
// records them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace vergegrid::test::storage {

// The statements of a migration file, split by the runner's rule (sql/README.md): a statement
// ends at a line ending in ';', whole-line '--' comments are dropped.
std::vector<std::string> migration_statements(const std::filesystem::path& file);

// Brings the empty database behind `sql` to schema `last`: creates schema_migrations, applies
// sql/<backend>/001_*.sql ... <last>_*.sql in order and records each.
void build_schema_up_to(soci::session& sql, const std::string& backend, int last);

}  // namespace vergegrid::test::storage
