// ReplicaStore (plugin ABI 1.9): one row per control-plane replica, written by its own heartbeat
// (schema 10, docs/ha.md). A handful of rows, each written every few seconds: plain statements.
#include <soci/soci.h>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

struct ReplicaRow {
    std::string id;
    std::string name;
    std::string url;
    std::string version;
    std::string started_at;
    std::string seen_at;
    int is_leader = 0;
};

void bind_replica(soci::statement& st, ReplicaRow& row) {
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(row.name));
    st.exchange(soci::into(row.url));
    st.exchange(soci::into(row.version));
    st.exchange(soci::into(row.started_at));
    st.exchange(soci::into(row.seen_at));
    st.exchange(soci::into(row.is_leader));
}

BoundValues replica_values(const api::Replica& replica) {
    return BoundValues()
        .text("id", replica.id)
        .text("name", replica.name)
        .text("url", replica.url)
        .text("version", replica.version)
        .text("started_at", replica.started_at)
        .text("seen_at", replica.seen_at)
        .number("is_leader", replica.leading ? 1 : 0);
}

}  // namespace

void SociTransaction::save_replica(const api::Replica& replica) {
    if (replica.id.empty()) {
        throw api::StorageError("save_replica: the replica has no id");
    }
    run("save_replica", [&](soci::session& sql) {
        const auto existing = select_keys(sql, "SELECT id FROM control_replicas WHERE id = :id",
                                          BoundValues().text("id", replica.id));
        execute_cached(
            sql,
            existing.empty()
                ? "INSERT INTO control_replicas (id, name, url, version, started_at, seen_at, "
                  "is_leader) VALUES (:id, :name, :url, :version, :started_at, :seen_at, "
                  ":is_leader)"
                : "UPDATE control_replicas SET name = :name, url = :url, version = :version, "
                  "started_at = :started_at, seen_at = :seen_at, is_leader = :is_leader "
                  "WHERE id = :id",
            replica_values(replica));
    });
}

std::vector<api::Replica> SociTransaction::list_replicas() {
    std::vector<api::Replica> replicas;
    run("list_replicas", [&](soci::session& sql) {
        replicas = select_rows<ReplicaRow>(
            lease_.statements(), sql,
            "SELECT id, name, url, version, started_at, seen_at, is_leader FROM control_replicas "
            "ORDER BY started_at, id",
            bind_replica, BoundValues(), [](const ReplicaRow& row) {
                return api::Replica{row.id,         row.name,    row.url,           row.version,
                                    row.started_at, row.seen_at, row.is_leader != 0};
            });
    });
    return replicas;
}

int SociTransaction::delete_replicas_seen_before(const std::string& seen_at) {
    int deleted = 0;
    run("delete_replicas_seen_before", [&](soci::session& sql) {
        const auto values = BoundValues().text("seen_at", seen_at);
        deleted = static_cast<int>(
            select_keys(sql, "SELECT id FROM control_replicas WHERE seen_at < :seen_at", values)
                .size());
        if (deleted > 0) {
            execute_cached(sql, "DELETE FROM control_replicas WHERE seen_at < :seen_at", values);
        }
    });
    return deleted;
}

void SociTransaction::delete_replica(const std::string& id) {
    run("delete_replica", [&](soci::session& sql) {
        execute_cached(sql, "DELETE FROM control_replicas WHERE id = :id",
                       BoundValues().text("id", id));
    });
}

}  // namespace vergegrid::plugins::sql
