#include "soci_transaction.hpp"

#include <soci/soci.h>

#include <utility>

#include "errors.hpp"
#include "name_folding.hpp"
#include "prepared_statement.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

SociTransaction::SociTransaction(ConnectionPool::Lease lease, const Dialect& dialect,
                                 api::Access access, WriterGate::Turn turn)
    : lease_(std::move(lease)), dialect_(dialect), writer_turn_(std::move(turn)) {
    soci::session& sql = lease_.session();
    const char* operation =
        access == api::Access::read ? "begin read transaction" : "begin read-write transaction";
    try {
        const auto& begin =
            access == api::Access::read ? dialect_.begin_read : dialect_.begin_read_write;
        for (const auto& statement : begin) {
            run_control(sql, statement);
        }
        open_ = true;
        if (access == api::Access::read_write && !dialect_.lock_grid.empty()) {
            int id = 0;
            sql << dialect_.lock_grid, soci::into(id);
        }
    } catch (...) {
        const bool lost = classify_current(dialect_) == ErrorKind::connection;
        if (lost) {
            lease_.mark_broken();
        }
        rollback();
        if (lost) {
            rethrow_as_connection_lost(operation);
        }
        rethrow_as_storage_error(dialect_, operation);
    }
}

SociTransaction::~SociTransaction() {
    rollback();
}

void SociTransaction::rollback() noexcept {
    if (!open_) {
        writer_turn_.release();
        return;
    }
    open_ = false;
    deferred_release_.clear();
    log_stage_.clear();
    try {
        lease_.session() << dialect_.rollback;
    } catch (...) {
        // The session is in an unknown state: never hand it to another transaction.
        lease_.mark_broken();
    }
    writer_turn_.release();
}

void SociTransaction::ensure_open(const char* operation) const {
    if (!open_) {
        throw api::StorageError(std::string(operation) +
                                ": the transaction was already committed or rolled back");
    }
    if (failed_) {
        throw api::StorageError(std::string(operation) +
                                ": an earlier statement of this transaction failed; it can only "
                                "be rolled back");
    }
}

void SociTransaction::run(const char* operation, const std::function<void(soci::session&)>& body) {
    ensure_open(operation);
    try {
        send_deferred_release(lease_.session());
        body(lease_.session());
    } catch (...) {
        failed_ = true;
        if (classify_current(dialect_) == ErrorKind::connection) {
            lease_.mark_broken();
        }
        rethrow_as_storage_error(dialect_, operation);
    }
}

void SociTransaction::run_control(soci::session& sql, const std::string& statement) {
    if (dialect_.caches_transaction_statements) {
        run_prepared_command(lease_.statements(), sql, statement, BoundValues());
    } else {
        sql << statement;
    }
}

void SociTransaction::send_deferred_release(soci::session& sql) {
    if (!deferred_release_.empty()) {
        const std::string statement = "RELEASE SAVEPOINT " + deferred_release_;
        deferred_release_.clear();
        sql << statement;
    }
}

void SociTransaction::commit() {
    ensure_open("commit");
    if (!log_stage_.unwritten().empty()) {
        try {
            run("write staged log rows", [&](soci::session& sql) { write_staged_rows(sql); });
        } catch (...) {
            rollback();
            throw;
        }
    }
    // With the COMMIT, in one query: should the RELEASE fail (no such savepoint), the database
    // skips the COMMIT and the transaction is rolled back, as had release() failed.
    std::string statement;
    if (!deferred_release_.empty()) {
        statement = "RELEASE SAVEPOINT " + deferred_release_ + "; ";
        deferred_release_.clear();
    }
    statement += dialect_.commit;
    try {
        run_control(lease_.session(), statement);
        open_ = false;
        log_stage_.clear();
        writer_turn_.release();
    } catch (...) {
        failed_ = true;
        if (classify_current(dialect_) == ErrorKind::connection) {
            lease_.mark_broken();
        }
        rollback();
        rethrow_as_storage_error(dialect_, "commit");
    }
}

void SociTransaction::require_row(soci::session& sql, const std::string& count_query,
                                  const std::string& key, const std::string& what) {
    int count = 0;
    sql << count_query, soci::use(key, "key"), soci::into(count);
    if (count == 0) {
        throw api::StorageError("no " + what + " '" + key + "'");
    }
}

// ---- estates ----------------------------------------------------------------------------------

namespace {

constexpr const char* kEstateColumns =
    "SELECT id, name, owner, created_at, updated_at FROM estates";

void bind_estate(soci::statement& st, api::Estate& e) {
    st.exchange(soci::into(e.id));
    st.exchange(soci::into(e.name));
    st.exchange(soci::into(e.owner));
    st.exchange(soci::into(e.created_at));
    st.exchange(soci::into(e.updated_at));
}

std::optional<api::Estate> one_estate(StatementCache& statements, soci::session& sql,
                                      const char* where, const std::string& key) {
    std::optional<api::Estate> found;
    run_prepared_query<api::Estate>(statements, sql, std::string(kEstateColumns) + where,
                                    BoundValues().text("key", key), bind_estate,
                                    [&](const api::Estate& estate) { found = estate; });
    return found;
}

constexpr const char* kTemplateColumns =
    "SELECT id, name, version_major, version_minor, version_patch, spec, created_at, updated_at "
    "FROM templates";

void bind_template(soci::statement& st, api::Template& t) {
    st.exchange(soci::into(t.id));
    st.exchange(soci::into(t.name));
    st.exchange(soci::into(t.version.major));
    st.exchange(soci::into(t.version.minor));
    st.exchange(soci::into(t.version.patch));
    st.exchange(soci::into(t.spec));
    st.exchange(soci::into(t.created_at));
    st.exchange(soci::into(t.updated_at));
}

std::optional<api::Template> one_template(soci::session& sql, const char* where,
                                          const std::string& key) {
    api::Template tmpl;
    soci::statement st(sql);
    bind_template(st, tmpl);
    st.exchange(soci::use(key, "key"));
    st.alloc();
    st.prepare(std::string(kTemplateColumns) + where);
    st.define_and_bind();
    if (!st.execute(true)) {
        return std::nullopt;
    }
    return tmpl;
}

// Keyset pagination by name: rows after `after_name` (all when empty), at most `limit`.
template <typename Record, typename Bind>
std::vector<Record> list_by_name(soci::session& sql, const char* columns, Bind bind,
                                 const std::string& after_name, int limit) {
    std::vector<Record> records;
    if (limit <= 0) {
        return records;
    }
    Record row;
    soci::statement st(sql);
    bind(st, row);
    std::string query = columns;
    if (!after_name.empty()) {
        query += " WHERE name > :after";
        st.exchange(soci::use(after_name, "after"));
    }
    query += " ORDER BY name LIMIT :limit";
    st.exchange(soci::use(limit, "limit"));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        records.push_back(row);
    }
    return records;
}

void record_template_version(soci::session& sql, const api::Template& tmpl, const std::string& at) {
    const std::string& actor = tmpl.actor;
    sql << "INSERT INTO template_versions (template_id, major, minor, patch, spec, actor, at) "
           "VALUES (:id, :major, :minor, :patch, :spec, :actor, :at)",
        soci::use(tmpl.id, "id"), soci::use(tmpl.version.major, "major"),
        soci::use(tmpl.version.minor, "minor"), soci::use(tmpl.version.patch, "patch"),
        soci::use(tmpl.spec, "spec"), soci::use(actor, "actor"), soci::use(at, "at");
}

}  // namespace

std::optional<api::Estate> SociTransaction::find_estate(const std::string& id) {
    std::optional<api::Estate> result;
    run("find_estate", [&](soci::session& sql) {
        result = one_estate(lease_.statements(), sql, " WHERE id = :key", id);
    });
    return result;
}

std::optional<api::Estate> SociTransaction::find_estate_by_name(const std::string& name) {
    std::optional<api::Estate> result;
    run("find_estate_by_name", [&](soci::session& sql) {
        const std::string where = " WHERE " + folded_name_matches(dialect_, "name");
        result = one_estate(lease_.statements(), sql, where.c_str(), name);
    });
    return result;
}

std::vector<api::Estate> SociTransaction::list_estates(const std::string& after_name, int limit) {
    std::vector<api::Estate> result;
    run("list_estates", [&](soci::session& sql) {
        result = list_by_name<api::Estate>(sql, kEstateColumns, bind_estate, after_name, limit);
    });
    return result;
}

void SociTransaction::insert_estate(const api::Estate& e) {
    run("insert_estate", [&](soci::session& sql) {
        sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
               "VALUES (:id, :name, :owner, :created_at, :updated_at)",
            soci::use(e.id, "id"), soci::use(e.name, "name"), soci::use(e.owner, "owner"),
            soci::use(e.created_at, "created_at"), soci::use(e.updated_at, "updated_at");
    });
}

void SociTransaction::update_estate(const api::Estate& e) {
    run("update_estate", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM estates WHERE id = :key", e.id, "estate");
        sql << "UPDATE estates SET name = :name, owner = :owner, created_at = :created_at, "
               "updated_at = :updated_at WHERE id = :id",
            soci::use(e.name, "name"), soci::use(e.owner, "owner"),
            soci::use(e.created_at, "created_at"), soci::use(e.updated_at, "updated_at"),
            soci::use(e.id, "id");
    });
}

void SociTransaction::delete_estate(const std::string& id) {
    run("delete_estate", [&](soci::session& sql) {
        sql << "DELETE FROM estates WHERE id = :id", soci::use(id, "id");
    });
}

int SociTransaction::count_regions_in_estate(const std::string& estate_id) {
    int count = 0;
    run("count_regions_in_estate", [&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM regions WHERE estate_id = :id", soci::use(estate_id, "id"),
            soci::into(count);
    });
    return count;
}

// ---- templates --------------------------------------------------------------------------------

std::optional<api::Template> SociTransaction::find_template(const std::string& id) {
    std::optional<api::Template> result;
    run("find_template",
        [&](soci::session& sql) { result = one_template(sql, " WHERE id = :key", id); });
    return result;
}

std::optional<api::Template> SociTransaction::find_template_by_name(const std::string& name) {
    std::optional<api::Template> result;
    run("find_template_by_name",
        [&](soci::session& sql) { result = one_template(sql, " WHERE name = :key", name); });
    return result;
}

std::vector<api::Template> SociTransaction::list_templates(const std::string& after_name,
                                                           int limit) {
    std::vector<api::Template> result;
    run("list_templates", [&](soci::session& sql) {
        result =
            list_by_name<api::Template>(sql, kTemplateColumns, bind_template, after_name, limit);
    });
    return result;
}

void SociTransaction::insert_template(const api::Template& t) {
    run("insert_template", [&](soci::session& sql) {
        sql << "INSERT INTO templates (id, name, version_major, version_minor, version_patch, "
               "spec, created_at, updated_at) VALUES (:id, :name, :major, :minor, :patch, :spec, "
               ":created_at, :updated_at)",
            soci::use(t.id, "id"), soci::use(t.name, "name"), soci::use(t.version.major, "major"),
            soci::use(t.version.minor, "minor"), soci::use(t.version.patch, "patch"),
            soci::use(t.spec, "spec"), soci::use(t.created_at, "created_at"),
            soci::use(t.updated_at, "updated_at");
        record_template_version(sql, t, t.created_at);
    });
}

void SociTransaction::update_template(const api::Template& t) {
    run("update_template", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM templates WHERE id = :key", t.id, "template");
        sql << "UPDATE templates SET name = :name, version_major = :major, "
               "version_minor = :minor, version_patch = :patch, spec = :spec, "
               "created_at = :created_at, updated_at = :updated_at WHERE id = :id",
            soci::use(t.name, "name"), soci::use(t.version.major, "major"),
            soci::use(t.version.minor, "minor"), soci::use(t.version.patch, "patch"),
            soci::use(t.spec, "spec"), soci::use(t.created_at, "created_at"),
            soci::use(t.updated_at, "updated_at"), soci::use(t.id, "id");
        record_template_version(sql, t, t.updated_at);
    });
}

void SociTransaction::delete_template(const std::string& id) {
    run("delete_template", [&](soci::session& sql) {
        sql << "DELETE FROM templates WHERE id = :id", soci::use(id, "id");
    });
}

namespace {

constexpr const char* kTemplateVersionColumns =
    "SELECT template_id, major, minor, patch, spec, actor, at FROM template_versions";

void bind_template_version(soci::statement& st, api::TemplateVersion& v) {
    st.exchange(soci::into(v.template_id));
    st.exchange(soci::into(v.version.major));
    st.exchange(soci::into(v.version.minor));
    st.exchange(soci::into(v.version.patch));
    st.exchange(soci::into(v.spec));
    st.exchange(soci::into(v.actor));
    st.exchange(soci::into(v.at));
}

}  // namespace

std::vector<api::TemplateVersion> SociTransaction::list_template_versions(
    const std::string& template_id) {
    std::vector<api::TemplateVersion> result;
    run("list_template_versions", [&](soci::session& sql) {
        api::TemplateVersion row;
        soci::statement st(sql);
        bind_template_version(st, row);
        st.exchange(soci::use(template_id, "id"));
        st.alloc();
        st.prepare(std::string(kTemplateVersionColumns) +
                   " WHERE template_id = :id ORDER BY major, minor, patch");
        st.define_and_bind();
        st.execute();
        while (st.fetch()) {
            result.push_back(row);
        }
    });
    return result;
}

std::optional<api::TemplateVersion> SociTransaction::find_template_version(
    const std::string& template_id, const api::SemVer& version) {
    std::optional<api::TemplateVersion> result;
    run("find_template_version", [&](soci::session& sql) {
        api::TemplateVersion row;
        soci::statement st(sql);
        bind_template_version(st, row);
        st.exchange(soci::use(template_id, "id"));
        st.exchange(soci::use(version.major, "major"));
        st.exchange(soci::use(version.minor, "minor"));
        st.exchange(soci::use(version.patch, "patch"));
        st.alloc();
        st.prepare(std::string(kTemplateVersionColumns) +
                   " WHERE template_id = :id AND major = :major AND minor = :minor AND "
                   "patch = :patch");
        st.define_and_bind();
        if (st.execute(true)) {
            result = row;
        }
    });
    return result;
}

int SociTransaction::count_regions_from_template(const std::string& template_id) {
    int count = 0;
    run("count_regions_from_template", [&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM regions WHERE template_id = :id", soci::use(template_id, "id"),
            soci::into(count);
    });
    return count;
}

}  // namespace vergegrid::plugins::sql
