// Savepoints (ABI 1.7). The three databases share the statements' syntax; the name is checked to
// be a plain identifier because it is part of the statement text (an identifier cannot be bound).
// Where the dialect defers RELEASE, it goes with the next statement (Dialect::defers_release).
#include <soci/soci.h>

#include "errors.hpp"
#include "identifier.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

std::string checked(const std::string& name) {
    if (!plain_identifier(name)) {
        throw api::StorageError("savepoint name '" + name +
                                "' is not an identifier of letters, digits and '_'");
    }
    return name;
}

}  // namespace

void SociTransaction::savepoint(const std::string& name) {
    std::string statement;
    if (!deferred_release_.empty()) {
        statement = "RELEASE SAVEPOINT " + deferred_release_ + "; ";
        deferred_release_.clear();
    }
    statement += "SAVEPOINT " + checked(name);
    run("savepoint", [&](soci::session& sql) { run_control(sql, statement); });
    log_stage_.savepoint(name);
}

void SociTransaction::release(const std::string& name) {
    const std::string statement = "RELEASE SAVEPOINT " + checked(name);
    if (dialect_.defers_release) {
        // One waits at a time: the one before goes now (run() sends it).
        run("release savepoint", [](soci::session&) {});
        deferred_release_ = name;
        log_stage_.release(name);
        return;
    }
    run("release savepoint", [&](soci::session& sql) { run_control(sql, statement); });
    log_stage_.release(name);
}

void SociTransaction::rollback_to(const std::string& name) {
    const std::string statement = "ROLLBACK TO SAVEPOINT " + checked(name);
    if (!open_) {
        throw api::StorageError(
            "rollback to savepoint: the transaction was already committed or rolled back");
    }
    audit_chain_head_.reset();  // the rows written since the savepoint are gone
    // Not through run(): this is the one statement a failed transaction may still take.
    try {
        send_deferred_release(lease_.session());  // none after a failure: run() sent it first
        run_control(lease_.session(), statement);
        log_stage_.rollback_to(name);
        failed_ = false;
    } catch (...) {
        failed_ = true;
        if (classify_current(dialect_) == ErrorKind::connection) {
            lease_.mark_broken();
        }
        rethrow_as_storage_error(dialect_, "rollback to savepoint");
    }
}

}  // namespace vergegrid::plugins::sql
