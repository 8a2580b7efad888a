// The append-only records: region history and the audit log.
#include <soci/soci.h>

#include "audit_row.hpp"
#include "prepared_statement.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

constexpr const char* kHistoryColumns =
    "SELECT region_uuid, version_major, version_minor, version_patch, change_kind, spec, actor, "
    "request_id, at FROM region_history";

void bind_history(soci::statement& st, api::RegionHistoryEntry& h) {
    st.exchange(soci::into(h.region_uuid));
    st.exchange(soci::into(h.version.major));
    st.exchange(soci::into(h.version.minor));
    st.exchange(soci::into(h.version.patch));
    st.exchange(soci::into(h.change));
    st.exchange(soci::into(h.spec));
    st.exchange(soci::into(h.actor));
    st.exchange(soci::into(h.request_id));
    st.exchange(soci::into(h.at));
}

constexpr const char* kAuditColumns =
    "SELECT id, at, actor, action, entity_type, entity_id, request_id, before_doc, after_doc "
    "FROM audit_log";

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct AuditRow {
    api::AuditEntry entry;
    long long id = 0;
};

void bind_audit(soci::statement& st, AuditRow& row) {
    bind_audit_entry(st, row.id, row.entry);
}

}  // namespace

void SociTransaction::append_history(const api::RegionHistoryEntry& h) {
    run("append_history", [&](soci::session& sql) {
        execute_cached(sql,
                       "INSERT INTO region_history (region_uuid, version_major, version_minor, "
                       "version_patch, change_kind, spec, actor, request_id, at) VALUES (:uuid, "
                       ":major, :minor, :patch, :change_kind, :spec, :actor, :request_id, :at)",
                       BoundValues()
                           .text("uuid", h.region_uuid)
                           .number("major", h.version.major)
                           .number("minor", h.version.minor)
                           .number("patch", h.version.patch)
                           .text("change_kind", h.change)
                           .text("spec", h.spec)
                           .text("actor", h.actor)
                           .text("request_id", h.request_id)
                           .text("at", h.at));
    });
}

std::vector<api::RegionHistoryEntry> SociTransaction::list_history(const std::string& region_uuid) {
    std::vector<api::RegionHistoryEntry> result;
    run("list_history", [&](soci::session& sql) {
        api::RegionHistoryEntry row;
        soci::statement st(sql);
        bind_history(st, row);
        st.exchange(soci::use(region_uuid, "uuid"));
        st.alloc();
        st.prepare(std::string(kHistoryColumns) +
                   " WHERE region_uuid = :uuid ORDER BY version_major, version_minor, "
                   "version_patch");
        st.define_and_bind();
        st.execute();
        while (st.fetch()) {
            result.push_back(row);
        }
    });
    return result;
}

std::optional<api::RegionHistoryEntry> SociTransaction::find_history(const std::string& region_uuid,
                                                                     const api::SemVer& version) {
    std::optional<api::RegionHistoryEntry> result;
    run("find_history", [&](soci::session& sql) {
        api::RegionHistoryEntry row;
        soci::statement st(sql);
        bind_history(st, row);
        st.exchange(soci::use(region_uuid, "uuid"));
        st.exchange(soci::use(version.major, "major"));
        st.exchange(soci::use(version.minor, "minor"));
        st.exchange(soci::use(version.patch, "patch"));
        st.alloc();
        st.prepare(std::string(kHistoryColumns) +
                   " WHERE region_uuid = :uuid AND version_major = :major AND "
                   "version_minor = :minor AND version_patch = :patch");
        st.define_and_bind();
        if (st.execute(true)) {
            result = row;
        }
    });
    return result;
}

// An unchained row (ABI 1.0's method): the chain's columns stay empty.
std::int64_t SociTransaction::append_audit(const api::AuditEntry& a) {
    return append_chained_audit(a, "", "");
}

long long SociTransaction::insert_cached_returning_id(soci::session& sql, const std::string& query,
                                                      const BoundValues& values,
                                                      const std::string& id_column) {
    if (dialect_.insert_returns_id) {
        return run_prepared_command<long long>(
            lease_.statements(), sql, query + " RETURNING " + id_column, values,
            [](soci::statement& st, long long& id) { st.exchange(soci::into(id)); });
    }
    run_prepared_command(lease_.statements(), sql, query, values);
    long long id = 0;
    // Per connection in both SQLite and MariaDB: no other transaction can interfere. SOCI's
    // SQLite and MySQL backends answer from the connection itself (sqlite3_last_insert_rowid,
    // mysql_insert_id): no statement to prepare, no round trip. The table is not consulted there.
    if (!sql.get_last_insert_id("", id)) {
        sql << dialect_.last_insert_id, soci::into(id);
    }
    return id;
}

std::vector<api::AuditEntry> SociTransaction::list_audit(const api::AuditFilter& filter,
                                                         std::int64_t before_id, int limit) {
    std::vector<api::AuditEntry> result;
    if (limit <= 0) {
        return result;
    }
    run("list_audit", [&](soci::session& sql) {
        write_staged_rows(sql);
        AuditRow row;
        const long long before = before_id;
        soci::statement st(sql);
        bind_audit(st, row);
        // Fixed fragments, chosen by which filters are set; the values are bound.
        std::string query = std::string(kAuditColumns) + " WHERE 1 = 1";
        const auto equal = [&](const std::string& value, const char* fragment, const char* name) {
            if (!value.empty()) {
                query += fragment;
                st.exchange(soci::use(value, name));
            }
        };
        equal(filter.actor, " AND actor = :actor", "actor");
        equal(filter.action, " AND action = :action", "action");
        equal(filter.entity_type, " AND entity_type = :entity_type", "entity_type");
        equal(filter.entity_id, " AND entity_id = :entity_id", "entity_id");
        equal(filter.since, " AND at >= :since", "since");
        equal(filter.until, " AND at < :until", "until");
        if (before > 0) {
            query += " AND id < :before";
            st.exchange(soci::use(before, "before"));
        }
        query += " ORDER BY id DESC LIMIT :limit";
        st.exchange(soci::use(limit, "limit"));
        st.alloc();
        st.prepare(query);
        st.define_and_bind();
        st.execute();
        while (st.fetch()) {
            row.entry.id = static_cast<std::int64_t>(row.id);
            result.push_back(row.entry);
        }
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
