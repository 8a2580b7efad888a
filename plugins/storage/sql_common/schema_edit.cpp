#include "schema_edit.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <string>

#include "dialect.hpp"
#include "migrations.hpp"

namespace vergegrid::plugins::sql {

namespace {

// The statement edited by 008_pending_regions.sql must now declare both columns nullable; a
// database whose CREATE statement was written differently (by hand) is refused, not half-changed.
void finish_nullable_host_port(soci::session& sql) {
    std::string create;
    sql << "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'regions'",
        soci::into(create);
    if (create.find("port              INTEGER      NULL CHECK") == std::string::npos ||
        create.find("host              VARCHAR(255) NULL,") == std::string::npos) {
        throw std::runtime_error(
            "the regions table is not declared as schema 1 wrote it, so its host and port could "
            "not be made nullable; nothing was changed");
    }
    int version = 0;
    sql << "PRAGMA schema_version", soci::into(version);
    // Every connection (this one too) reloads the schema when the version changes.
    sql << "PRAGMA schema_version = " + std::to_string(version + 1);
    int problems = 0;
    sql << "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        soci::into(problems);
    if (problems != 0) {
        throw std::runtime_error("the integrity check failed after making host and port nullable");
    }
}

}  // namespace

void attach_schema_edit(Migration& migration, const Dialect& dialect) {
    if (dialect.name == "sqlite" && migration.name == "pending_regions") {
        migration.finish = finish_nullable_host_port;
    }
}

}  // namespace vergegrid::plugins::sql
