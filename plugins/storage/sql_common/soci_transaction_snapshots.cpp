// SnapshotLedger (plugin ABI 1.5): what the control plane knows about regions' runtime state
// (docs/snapshots.md). Snapshot records outlive their region (no foreign key); a region's state
// policy and an operation's progress go with their owner (ON DELETE CASCADE). A snapshot's
// operation_id is NULL in the database while it is 0 here (not queued yet): the column's unique
// index must not see two unqueued snapshots collide.
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// ---- snapshots --------------------------------------------------------------------------------

constexpr const char* kSnapshotSelect =
    "SELECT id, region_id, region_name, region_version_major, region_version_minor, "
    "region_version_patch, region_spec, lifecycle, simulator_id, parts, state, size_bytes, "
    "sha256, reason, note, failure, actor, operation_id, followup, created_at, updated_at "
    "FROM snapshots";

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct SnapshotRow {
    api::Snapshot snapshot;
    long long size_bytes = 0;
    boost::optional<long long> operation_id;
};

void bind_snapshot(soci::statement& st, SnapshotRow& row) {
    api::Snapshot& s = row.snapshot;
    st.exchange(soci::into(s.id));
    st.exchange(soci::into(s.region_id));
    st.exchange(soci::into(s.region_name));
    st.exchange(soci::into(s.region_version.major));
    st.exchange(soci::into(s.region_version.minor));
    st.exchange(soci::into(s.region_version.patch));
    st.exchange(soci::into(s.region_spec));
    st.exchange(soci::into(s.lifecycle));
    st.exchange(soci::into(s.simulator_id));
    st.exchange(soci::into(s.parts));
    st.exchange(soci::into(s.state));
    st.exchange(soci::into(row.size_bytes));
    st.exchange(soci::into(s.sha256));
    st.exchange(soci::into(s.reason));
    st.exchange(soci::into(s.note));
    st.exchange(soci::into(s.failure));
    st.exchange(soci::into(s.actor));
    st.exchange(soci::into(row.operation_id));
    st.exchange(soci::into(s.followup));
    st.exchange(soci::into(s.created_at));
    st.exchange(soci::into(s.updated_at));
}

api::Snapshot to_snapshot(const SnapshotRow& row) {
    api::Snapshot snapshot = row.snapshot;
    snapshot.size_bytes = static_cast<std::int64_t>(row.size_bytes);
    snapshot.operation_id = static_cast<std::int64_t>(row.operation_id.value_or(0));
    return snapshot;
}

// Every column, named as in the column list.
BoundValues snapshot_values(const api::Snapshot& s) {
    BoundValues values;
    values.text("id", s.id)
        .text("region_id", s.region_id)
        .text("region_name", s.region_name)
        .number("major", s.region_version.major)
        .number("minor", s.region_version.minor)
        .number("patch", s.region_version.patch)
        .text("region_spec", s.region_spec)
        .text("lifecycle", s.lifecycle)
        .text("simulator_id", s.simulator_id)
        .text("parts", s.parts)
        .text("state", s.state)
        .number64("size_bytes", s.size_bytes)
        .text("sha256", s.sha256)
        .text("reason", s.reason)
        .text("note", s.note)
        .text("failure", s.failure)
        .text("actor", s.actor)
        .number64_or_null("operation_id", s.operation_id == 0
                                              ? boost::optional<long long>()
                                              : boost::optional<long long>(s.operation_id))
        .text("followup", s.followup)
        .text("created_at", s.created_at)
        .text("updated_at", s.updated_at);
    return values;
}

// ---- region state policies --------------------------------------------------------------------

constexpr const char* kPolicySelect =
    "SELECT region_id, lifecycle, state_parts FROM region_state_policies";

void bind_policy(soci::statement& st, api::RegionStatePolicy& p) {
    st.exchange(soci::into(p.region_id));
    st.exchange(soci::into(p.lifecycle));
    st.exchange(soci::into(p.state_parts));
}

api::RegionStatePolicy same_policy(const api::RegionStatePolicy& policy) {
    return policy;
}

// ---- operation progress -----------------------------------------------------------------------

constexpr const char* kProgressSelect =
    "SELECT operation_id, fraction, bytes_done, bytes_total, phase, updated_at "
    "FROM operation_progress";

struct ProgressRow {
    api::OperationProgress progress;
    long long operation_id = 0;
    long long bytes_done = 0;
    long long bytes_total = 0;
};

void bind_progress(soci::statement& st, ProgressRow& row) {
    st.exchange(soci::into(row.operation_id));
    st.exchange(soci::into(row.progress.fraction));
    st.exchange(soci::into(row.bytes_done));
    st.exchange(soci::into(row.bytes_total));
    st.exchange(soci::into(row.progress.phase));
    st.exchange(soci::into(row.progress.updated_at));
}

api::OperationProgress to_progress(const ProgressRow& row) {
    api::OperationProgress progress = row.progress;
    progress.operation_id = static_cast<std::int64_t>(row.operation_id);
    progress.bytes_done = static_cast<std::int64_t>(row.bytes_done);
    progress.bytes_total = static_cast<std::int64_t>(row.bytes_total);
    return progress;
}

}  // namespace

void SociTransaction::insert_snapshot(const api::Snapshot& s) {
    run("insert_snapshot", [&](soci::session& sql) {
        execute_cached(
            sql,
            "INSERT INTO snapshots (id, region_id, region_name, region_version_major, "
            "region_version_minor, region_version_patch, region_spec, lifecycle, simulator_id, "
            "parts, state, size_bytes, sha256, reason, note, failure, actor, operation_id, "
            "followup, created_at, updated_at) VALUES (:id, :region_id, :region_name, :major, "
            ":minor, :patch, :region_spec, :lifecycle, :simulator_id, :parts, :state, "
            ":size_bytes, :sha256, :reason, :note, :failure, :actor, :operation_id, :followup, "
            ":created_at, :updated_at)",
            snapshot_values(s));
    });
}

void SociTransaction::update_snapshot(const api::Snapshot& s) {
    run("update_snapshot", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM snapshots WHERE id = :key", s.id, "snapshot");
        execute_cached(
            sql,
            "UPDATE snapshots SET region_id = :region_id, region_name = :region_name, "
            "region_version_major = :major, region_version_minor = :minor, "
            "region_version_patch = :patch, region_spec = :region_spec, lifecycle = :lifecycle, "
            "simulator_id = :simulator_id, parts = :parts, state = :state, "
            "size_bytes = :size_bytes, sha256 = :sha256, reason = :reason, note = :note, "
            "failure = :failure, actor = :actor, operation_id = :operation_id, "
            "followup = :followup, created_at = :created_at, updated_at = :updated_at "
            "WHERE id = :id",
            snapshot_values(s));
    });
}

std::optional<api::Snapshot> SociTransaction::find_snapshot(const std::string& id) {
    std::optional<api::Snapshot> result;
    run("find_snapshot", [&](soci::session& sql) {
        result = select_first<SnapshotRow>(
            lease_.statements(), sql, std::string(kSnapshotSelect) + " WHERE id = :id",
            bind_snapshot, BoundValues().text("id", id), to_snapshot);
    });
    return result;
}

std::optional<api::Snapshot> SociTransaction::find_snapshot_by_operation(
    std::int64_t operation_id) {
    std::optional<api::Snapshot> result;
    if (operation_id == 0) {
        return result;  // stored as NULL: no snapshot is "the one of operation 0"
    }
    run("find_snapshot_by_operation", [&](soci::session& sql) {
        result = select_first<SnapshotRow>(
            lease_.statements(), sql,
            std::string(kSnapshotSelect) + " WHERE operation_id = :operation_id", bind_snapshot,
            BoundValues().number64("operation_id", operation_id), to_snapshot);
    });
    return result;
}

std::vector<api::Snapshot> SociTransaction::list_snapshots(const api::SnapshotFilter& filter,
                                                           const std::string& before_created_at,
                                                           const std::string& before_id,
                                                           int limit) {
    std::vector<api::Snapshot> result;
    if (limit <= 0) {
        return result;
    }
    run("list_snapshots", [&](soci::session& sql) {
        // Fixed fragments, chosen by which filters are set; the values are bound.
        BoundValues values;
        std::string query = std::string(kSnapshotSelect) + " WHERE 1 = 1";
        if (!filter.region_id.empty()) {
            query += " AND region_id = :region_id";
            values.text("region_id", filter.region_id);
        }
        if (!filter.state.empty()) {
            query += " AND state = :state";
            values.text("state", filter.state);
        }
        if (!filter.reason.empty()) {
            query += " AND reason = :reason";
            values.text("reason", filter.reason);
        }
        if (!before_created_at.empty()) {
            // Strictly older than the cursor row. Spelled out rather than as a row comparison
            // ((created_at, id) < (...)), which MariaDB does not answer from an index; the time
            // is bound twice under two names (not every SOCI backend reuses a repeated name).
            query += " AND (created_at < :older_at OR (created_at = :same_at AND id < :before_id))";
            values.text("older_at", before_created_at)
                .text("same_at", before_created_at)
                .text("before_id", before_id);
        }
        query += " ORDER BY created_at DESC, id DESC LIMIT :limit";
        values.number("limit", limit);
        result = select_rows<SnapshotRow>(lease_.statements(), sql, query, bind_snapshot, values,
                                          to_snapshot);
    });
    return result;
}

void SociTransaction::delete_snapshot(const std::string& id) {
    run("delete_snapshot", [&](soci::session& sql) {
        execute_cached(sql, "DELETE FROM snapshots WHERE id = :id", BoundValues().text("id", id));
    });
}

int SociTransaction::count_snapshots_with_sha256(const std::string& sha256) {
    int count = 0;
    run("count_snapshots_with_sha256", [&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM snapshots WHERE sha256 = :sha256", soci::use(sha256, "sha256"),
            soci::into(count);
    });
    return count;
}

std::vector<std::string> SociTransaction::list_snapshot_region_ids(
    const std::string& after_region_id, int limit) {
    std::vector<std::string> result;
    if (limit <= 0) {
        return result;
    }
    run("list_snapshot_region_ids", [&](soci::session& sql) {
        // "" sorts before every id: the first page needs no second statement text.
        result = select_keys(sql,
                             "SELECT DISTINCT region_id FROM snapshots WHERE region_id > :after "
                             "ORDER BY region_id LIMIT :limit",
                             BoundValues().text("after", after_region_id).number("limit", limit));
    });
    return result;
}

std::optional<api::RegionStatePolicy> SociTransaction::find_region_state_policy(
    const std::string& region_id) {
    std::optional<api::RegionStatePolicy> result;
    run("find_region_state_policy", [&](soci::session& sql) {
        result = select_first<api::RegionStatePolicy>(
            lease_.statements(), sql, std::string(kPolicySelect) + " WHERE region_id = :region_id",
            bind_policy, BoundValues().text("region_id", region_id), same_policy);
    });
    return result;
}

void SociTransaction::put_region_state_policy(const api::RegionStatePolicy& p) {
    run("put_region_state_policy", [&](soci::session& sql) {
        // Delete and insert rather than each dialect's upsert: the same text everywhere, and
        // read-write transactions are serialised (the grid lock), so nothing sees the gap.
        execute_cached(sql, "DELETE FROM region_state_policies WHERE region_id = :region_id",
                       BoundValues().text("region_id", p.region_id));
        execute_cached(sql,
                       "INSERT INTO region_state_policies (region_id, lifecycle, state_parts) "
                       "VALUES (:region_id, :lifecycle, :state_parts)",
                       BoundValues()
                           .text("region_id", p.region_id)
                           .text("lifecycle", p.lifecycle)
                           .text("state_parts", p.state_parts));
    });
}

void SociTransaction::delete_region_state_policy(const std::string& region_id) {
    run("delete_region_state_policy", [&](soci::session& sql) {
        execute_cached(sql, "DELETE FROM region_state_policies WHERE region_id = :region_id",
                       BoundValues().text("region_id", region_id));
    });
}

std::vector<api::RegionStatePolicy> SociTransaction::list_region_state_policies(
    const std::string& lifecycle, const std::string& after_region_id, int limit) {
    std::vector<api::RegionStatePolicy> result;
    if (limit <= 0) {
        return result;
    }
    run("list_region_state_policies", [&](soci::session& sql) {
        result = select_rows<api::RegionStatePolicy>(
            lease_.statements(), sql,
            std::string(kPolicySelect) +
                " WHERE lifecycle = :lifecycle AND region_id > :after ORDER BY region_id "
                "LIMIT :limit",
            bind_policy,
            BoundValues()
                .text("lifecycle", lifecycle)
                .text("after", after_region_id)
                .number("limit", limit),
            same_policy);
    });
    return result;
}

void SociTransaction::put_operation_progress(const api::OperationProgress& p) {
    run("put_operation_progress", [&](soci::session& sql) {
        // As put_region_state_policy: delete and insert, one text for every dialect.
        execute_cached(sql, "DELETE FROM operation_progress WHERE operation_id = :operation_id",
                       BoundValues().number64("operation_id", p.operation_id));
        execute_cached(sql,
                       "INSERT INTO operation_progress (operation_id, fraction, bytes_done, "
                       "bytes_total, phase, updated_at) VALUES (:operation_id, :fraction, "
                       ":bytes_done, :bytes_total, :phase, :updated_at)",
                       BoundValues()
                           .number64("operation_id", p.operation_id)
                           .real("fraction", p.fraction)
                           .number64("bytes_done", p.bytes_done)
                           .number64("bytes_total", p.bytes_total)
                           .text("phase", p.phase)
                           .text("updated_at", p.updated_at));
    });
}

std::optional<api::OperationProgress> SociTransaction::find_operation_progress(
    std::int64_t operation_id) {
    std::optional<api::OperationProgress> result;
    run("find_operation_progress", [&](soci::session& sql) {
        result = select_first<ProgressRow>(
            lease_.statements(), sql,
            std::string(kProgressSelect) + " WHERE operation_id = :operation_id", bind_progress,
            BoundValues().number64("operation_id", operation_id), to_progress);
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
