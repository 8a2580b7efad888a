// OperationStore (plugin ABI 1.1): the durable queue of operations simulators apply.
#include <soci/soci.h>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

constexpr const char* kOperationSelect =
    "SELECT id, simulator_id, region_uuid, kind, op_class, region_version_major, "
    "region_version_minor, region_version_patch, spec, state, attempts, result, created_at, "
    "updated_at, due_at FROM operations";

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct OperationRow {
    api::Operation operation;
    long long id = 0;
};

void bind_operation(soci::statement& st, OperationRow& row) {
    api::Operation& o = row.operation;
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(o.simulator_id));
    st.exchange(soci::into(o.region_uuid));
    st.exchange(soci::into(o.kind));
    st.exchange(soci::into(o.op_class));
    st.exchange(soci::into(o.region_version.major));
    st.exchange(soci::into(o.region_version.minor));
    st.exchange(soci::into(o.region_version.patch));
    st.exchange(soci::into(o.spec));
    st.exchange(soci::into(o.state));
    st.exchange(soci::into(o.attempts));
    st.exchange(soci::into(o.result));
    st.exchange(soci::into(o.created_at));
    st.exchange(soci::into(o.updated_at));
    st.exchange(soci::into(o.due_at));
}

api::Operation to_operation(const OperationRow& row) {
    api::Operation operation = row.operation;
    operation.id = static_cast<std::int64_t>(row.id);
    return operation;
}

// Every column but id, named as in the column list.
BoundValues operation_values(const api::Operation& o) {
    BoundValues values;
    values.text("simulator_id", o.simulator_id)
        .text("region_uuid", o.region_uuid)
        .text("kind", o.kind)
        .text("op_class", o.op_class)
        .number("major", o.region_version.major)
        .number("minor", o.region_version.minor)
        .number("patch", o.region_version.patch)
        .text("spec", o.spec)
        .text("state", o.state)
        .number("attempts", o.attempts)
        .text("result", o.result)
        .text("created_at", o.created_at)
        .text("updated_at", o.updated_at)
        .text("due_at", o.due_at);
    return values;
}

}  // namespace

std::int64_t SociTransaction::insert_operation(const api::Operation& o) {
    long long id = 0;
    run("insert_operation", [&](soci::session& sql) {
        id = insert_cached_returning_id(
            sql,
            "INSERT INTO operations (simulator_id, region_uuid, kind, op_class, "
            "region_version_major, region_version_minor, region_version_patch, spec, state, "
            "attempts, result, created_at, updated_at, due_at) VALUES (:simulator_id, "
            ":region_uuid, :kind, :op_class, :major, :minor, :patch, :spec, :state, :attempts, "
            ":result, :created_at, :updated_at, :due_at)",
            operation_values(o));
    });
    return static_cast<std::int64_t>(id);
}

std::optional<api::Operation> SociTransaction::find_operation(std::int64_t id) {
    std::optional<api::Operation> result;
    run("find_operation", [&](soci::session& sql) {
        result = select_first<OperationRow>(
            lease_.statements(), sql, std::string(kOperationSelect) + " WHERE id = :id",
            bind_operation, BoundValues().number64("id", id), to_operation);
    });
    return result;
}

void SociTransaction::update_operation(const api::Operation& o) {
    run("update_operation", [&](soci::session& sql) {
        const long long id = o.id;
        int count = 0;
        sql << "SELECT COUNT(*) FROM operations WHERE id = :id", soci::use(id, "id"),
            soci::into(count);
        if (count == 0) {
            throw api::StorageError("no operation " + std::to_string(id));
        }
        execute_cached(
            sql,
            "UPDATE operations SET simulator_id = :simulator_id, region_uuid = :region_uuid, "
            "kind = :kind, op_class = :op_class, region_version_major = :major, "
            "region_version_minor = :minor, region_version_patch = :patch, spec = :spec, "
            "state = :state, attempts = :attempts, result = :result, created_at = :created_at, "
            "updated_at = :updated_at, due_at = :due_at WHERE id = :id",
            operation_values(o).number64("id", id));
    });
}

std::optional<api::Operation> SociTransaction::find_pending_lazy_operation(
    const std::string& region_uuid, const std::string& simulator_id) {
    std::optional<api::Operation> result;
    run("find_pending_lazy_operation", [&](soci::session& sql) {
        result = select_first<OperationRow>(
            lease_.statements(), sql,
            std::string(kOperationSelect) +
                " WHERE region_uuid = :region_uuid AND simulator_id = :simulator_id AND "
                "state = 'pending' AND op_class = 'lazy' ORDER BY id DESC LIMIT 1",
            bind_operation,
            BoundValues().text("region_uuid", region_uuid).text("simulator_id", simulator_id),
            to_operation);
    });
    return result;
}

std::vector<api::Operation> SociTransaction::list_deliverable_operations(
    const std::string& simulator_id, const std::string& now, int limit) {
    std::vector<api::Operation> result;
    if (limit <= 0) {
        return result;
    }
    run("list_deliverable_operations", [&](soci::session& sql) {
        result = select_rows<OperationRow>(
            lease_.statements(), sql,
            std::string(kOperationSelect) +
                " WHERE simulator_id = :simulator_id AND state IN ('pending', 'delivered') AND "
                "(due_at = '' OR due_at <= :now) ORDER BY id LIMIT :limit",
            bind_operation,
            BoundValues()
                .text("simulator_id", simulator_id)
                .text("now", now)
                .number("limit", limit),
            to_operation);
    });
    return result;
}

std::vector<api::Operation> SociTransaction::list_operations(const api::OperationFilter& filter,
                                                             std::int64_t before_id, int limit) {
    std::vector<api::Operation> result;
    if (limit <= 0) {
        return result;
    }
    run("list_operations", [&](soci::session& sql) {
        // Fixed fragments, chosen by which filters are set; the values are bound.
        BoundValues values;
        std::string query = std::string(kOperationSelect) + " WHERE 1 = 1";
        if (!filter.simulator_id.empty()) {
            query += " AND simulator_id = :simulator_id";
            values.text("simulator_id", filter.simulator_id);
        }
        if (!filter.region_uuid.empty()) {
            query += " AND region_uuid = :region_uuid";
            values.text("region_uuid", filter.region_uuid);
        }
        if (!filter.state.empty()) {
            query += " AND state = :state";
            values.text("state", filter.state);
        }
        if (before_id > 0) {
            query += " AND id < :before";
            values.number64("before", before_id);
        }
        query += " ORDER BY id DESC LIMIT :limit";
        values.number("limit", limit);
        result = select_rows<OperationRow>(lease_.statements(), sql, query, bind_operation, values,
                                           to_operation);
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
