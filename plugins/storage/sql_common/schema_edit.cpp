#include "schema_edit.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "dialect.hpp"
#include "migrations.hpp"

namespace vergegrid::plugins::sql {

namespace {

// A text an edited CREATE statement must now hold.
struct EditedText {
    std::string table;
    std::string text;
};

// Each edit must have taken: a database whose CREATE statement was written differently (by
// hand) is refused, not half-changed. `what` completes "could not be ...".
void finish_schema_edit(soci::session& sql, const std::vector<EditedText>& expected,
                        const std::string& what) {
    for (const auto& edit : expected) {
        std::string create;
        sql << "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name",
            soci::use(edit.table, "name"), soci::into(create);
        if (create.find(edit.text) == std::string::npos) {
            throw std::runtime_error("the " + edit.table +
                                     " table is not declared as the earlier migrations wrote it, "
                                     "so " +
                                     what + "; nothing was changed");
        }
    }
    int version = 0;
    sql << "PRAGMA schema_version", soci::into(version);
    // Every connection (this one too) reloads the schema when the version changes.
    sql << "PRAGMA schema_version = " + std::to_string(version + 1);
    int problems = 0;
    sql << "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        soci::into(problems);
    if (problems != 0) {
        throw std::runtime_error("the integrity check failed after the schema edit: " + what);
    }
}

// 008_pending_regions.sql: regions' host and port become nullable.
void finish_nullable_host_port(soci::session& sql) {
    finish_schema_edit(sql,
                       {{"regions", "port              INTEGER      NULL CHECK"},
                        {"regions", "host              VARCHAR(255) NULL,"}},
                       "its host and port could not be made nullable");
}

// 015_lean_region_writes.sql: CHECKs of IN lists become comparisons joined by OR.
void finish_checks_without_in_lists(soci::session& sql) {
    finish_schema_edit(
        sql,
        {{"regions",
          "CHECK (region_state_mode = 'minimal' OR region_state_mode = 'full' OR "
          "region_state_mode = 'hybrid')"},
         {"simulators",
          "CHECK (state = 'registered' OR state = 'online' OR state = 'offline' OR state = "
          "'cordoned' OR state = 'revoked')"},
         {"operations",
          "CHECK (state = 'pending' OR state = 'delivered' OR state = 'succeeded' OR state = "
          "'failed')"}},
        "its CHECK constraints could not be written without IN lists");
}

}  // namespace

void attach_schema_edit(Migration& migration, const Dialect& dialect) {
    if (dialect.name != "sqlite") {
        return;
    }
    if (migration.name == "pending_regions") {
        migration.finish = finish_nullable_host_port;
    } else if (migration.name == "lean_region_writes") {
        migration.finish = finish_checks_without_in_lists;
    }
}

}  // namespace vergegrid::plugins::sql
