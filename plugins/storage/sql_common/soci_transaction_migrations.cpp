// MigrationLedger (plugin ABI 1.6): the records of region moves and of their batches
// (docs/migration.md). A move outlives its region and its simulators (no foreign key). A move's
// operation_id is NULL in the database while it is 0 here (waiting for no operation): the
// column's unique index must not see two idle moves collide.
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// ---- migrations -------------------------------------------------------------------------------

constexpr const char* kMigrationSelect =
    "SELECT id, batch_id, region_id, region_name, source_simulator_id, target_simulator_id, "
    "target_host, target_port, strategy, options, state, plan, step, operation_id, detail, "
    "error, actor, created_at, updated_at FROM migrations";

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct MigrationRow {
    api::Migration migration;
    boost::optional<long long> operation_id;
};

void bind_migration(soci::statement& st, MigrationRow& row) {
    api::Migration& m = row.migration;
    st.exchange(soci::into(m.id));
    st.exchange(soci::into(m.batch_id));
    st.exchange(soci::into(m.region_id));
    st.exchange(soci::into(m.region_name));
    st.exchange(soci::into(m.source_simulator_id));
    st.exchange(soci::into(m.target_simulator_id));
    st.exchange(soci::into(m.target_host));
    st.exchange(soci::into(m.target_port));
    st.exchange(soci::into(m.strategy));
    st.exchange(soci::into(m.options));
    st.exchange(soci::into(m.state));
    st.exchange(soci::into(m.plan));
    st.exchange(soci::into(m.step));
    st.exchange(soci::into(row.operation_id));
    st.exchange(soci::into(m.detail));
    st.exchange(soci::into(m.error));
    st.exchange(soci::into(m.actor));
    st.exchange(soci::into(m.created_at));
    st.exchange(soci::into(m.updated_at));
}

api::Migration to_migration(const MigrationRow& row) {
    api::Migration migration = row.migration;
    migration.operation_id = static_cast<std::int64_t>(row.operation_id.value_or(0));
    return migration;
}

// Every column, named as in the column list.
BoundValues migration_values(const api::Migration& m) {
    BoundValues values;
    values.text("id", m.id)
        .text("batch_id", m.batch_id)
        .text("region_id", m.region_id)
        .text("region_name", m.region_name)
        .text("source_simulator_id", m.source_simulator_id)
        .text("target_simulator_id", m.target_simulator_id)
        .text("target_host", m.target_host)
        .number("target_port", m.target_port)
        .text("strategy", m.strategy)
        .text("options", m.options)
        .text("state", m.state)
        .text("plan", m.plan)
        .text("step", m.step)
        .number64_or_null("operation_id", m.operation_id == 0
                                              ? boost::optional<long long>()
                                              : boost::optional<long long>(m.operation_id))
        .text("detail", m.detail)
        .text("error", m.error)
        .text("actor", m.actor)
        .text("created_at", m.created_at)
        .text("updated_at", m.updated_at);
    return values;
}

// ---- batches ----------------------------------------------------------------------------------

constexpr const char* kBatchSelect =
    "SELECT id, kind, simulator_id, state, max_parallel, options, actor, created_at, updated_at "
    "FROM migration_batches";

void bind_batch(soci::statement& st, api::MigrationBatch& b) {
    st.exchange(soci::into(b.id));
    st.exchange(soci::into(b.kind));
    st.exchange(soci::into(b.simulator_id));
    st.exchange(soci::into(b.state));
    st.exchange(soci::into(b.max_parallel));
    st.exchange(soci::into(b.options));
    st.exchange(soci::into(b.actor));
    st.exchange(soci::into(b.created_at));
    st.exchange(soci::into(b.updated_at));
}

api::MigrationBatch same_batch(const api::MigrationBatch& batch) {
    return batch;
}

BoundValues batch_values(const api::MigrationBatch& b) {
    BoundValues values;
    values.text("id", b.id)
        .text("kind", b.kind)
        .text("simulator_id", b.simulator_id)
        .text("state", b.state)
        .number("max_parallel", b.max_parallel)
        .text("options", b.options)
        .text("actor", b.actor)
        .text("created_at", b.created_at)
        .text("updated_at", b.updated_at);
    return values;
}

}  // namespace

void SociTransaction::insert_migration(const api::Migration& m) {
    run("insert_migration", [&](soci::session& sql) {
        execute_cached(
            sql,
            "INSERT INTO migrations (id, batch_id, region_id, region_name, source_simulator_id, "
            "target_simulator_id, target_host, target_port, strategy, options, state, plan, "
            "step, operation_id, detail, error, actor, created_at, updated_at) VALUES (:id, "
            ":batch_id, :region_id, :region_name, :source_simulator_id, :target_simulator_id, "
            ":target_host, :target_port, :strategy, :options, :state, :plan, :step, "
            ":operation_id, :detail, :error, :actor, :created_at, :updated_at)",
            migration_values(m));
        log_grid_change(sql, "migration", m.id);
    });
}

void SociTransaction::update_migration(const api::Migration& m) {
    run("update_migration", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM migrations WHERE id = :key", m.id, "migration");
        execute_cached(
            sql,
            "UPDATE migrations SET batch_id = :batch_id, region_id = :region_id, "
            "region_name = :region_name, source_simulator_id = :source_simulator_id, "
            "target_simulator_id = :target_simulator_id, target_host = :target_host, "
            "target_port = :target_port, strategy = :strategy, options = :options, "
            "state = :state, plan = :plan, step = :step, operation_id = :operation_id, "
            "detail = :detail, error = :error, actor = :actor, created_at = :created_at, "
            "updated_at = :updated_at WHERE id = :id",
            migration_values(m));
        log_grid_change(sql, "migration", m.id);
    });
}

std::optional<api::Migration> SociTransaction::find_migration(const std::string& id) {
    std::optional<api::Migration> result;
    run("find_migration", [&](soci::session& sql) {
        result = select_first<MigrationRow>(
            lease_.statements(), sql, std::string(kMigrationSelect) + " WHERE id = :id",
            bind_migration, BoundValues().text("id", id), to_migration);
    });
    return result;
}

std::optional<api::Migration> SociTransaction::find_migration_by_operation(
    std::int64_t operation_id) {
    std::optional<api::Migration> result;
    if (operation_id == 0) {
        return result;  // stored as NULL: no move is "the one of operation 0"
    }
    run("find_migration_by_operation", [&](soci::session& sql) {
        result = select_first<MigrationRow>(
            lease_.statements(), sql,
            std::string(kMigrationSelect) + " WHERE operation_id = :operation_id", bind_migration,
            BoundValues().number64("operation_id", operation_id), to_migration);
    });
    return result;
}

std::vector<api::Migration> SociTransaction::list_migrations(const api::MigrationFilter& filter,
                                                             const std::string& before_created_at,
                                                             const std::string& before_id,
                                                             int limit) {
    std::vector<api::Migration> result;
    if (limit <= 0) {
        return result;
    }
    run("list_migrations", [&](soci::session& sql) {
        // Fixed fragments, chosen by which filters are set; the values are bound.
        BoundValues values;
        std::string query = std::string(kMigrationSelect) + " WHERE 1 = 1";
        if (!filter.region_id.empty()) {
            query += " AND region_id = :region_id";
            values.text("region_id", filter.region_id);
        }
        if (!filter.batch_id.empty()) {
            query += " AND batch_id = :batch_id";
            values.text("batch_id", filter.batch_id);
        }
        if (!filter.state.empty()) {
            query += " AND state = :state";
            values.text("state", filter.state);
        }
        if (!filter.simulator_id.empty()) {
            // Either side of the move; bound twice under two names (not every SOCI backend
            // reuses a repeated name).
            query += " AND (source_simulator_id = :source OR target_simulator_id = :target)";
            values.text("source", filter.simulator_id).text("target", filter.simulator_id);
        }
        if (!before_created_at.empty()) {
            // Strictly older than the cursor row, spelled out as for snapshots (MariaDB answers
            // no row comparison from an index).
            query += " AND (created_at < :older_at OR (created_at = :same_at AND id < :before_id))";
            values.text("older_at", before_created_at)
                .text("same_at", before_created_at)
                .text("before_id", before_id);
        }
        query += " ORDER BY created_at DESC, id DESC LIMIT :limit";
        values.number("limit", limit);
        result = select_rows<MigrationRow>(lease_.statements(), sql, query, bind_migration, values,
                                           to_migration);
    });
    return result;
}

std::vector<api::Migration> SociTransaction::list_active_migrations() {
    std::vector<api::Migration> result;
    run("list_active_migrations", [&](soci::session& sql) {
        result =
            select_rows<MigrationRow>(lease_.statements(), sql,
                                      std::string(kMigrationSelect) +
                                          " WHERE state IN ('queued', 'running', 'rolling_back') "
                                          "ORDER BY created_at, id",
                                      bind_migration, BoundValues(), to_migration);
    });
    return result;
}

void SociTransaction::insert_migration_batch(const api::MigrationBatch& b) {
    run("insert_migration_batch", [&](soci::session& sql) {
        execute_cached(sql,
                       "INSERT INTO migration_batches (id, kind, simulator_id, state, "
                       "max_parallel, options, actor, created_at, updated_at) VALUES (:id, "
                       ":kind, :simulator_id, :state, :max_parallel, :options, :actor, "
                       ":created_at, :updated_at)",
                       batch_values(b));
    });
}

void SociTransaction::update_migration_batch(const api::MigrationBatch& b) {
    run("update_migration_batch", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM migration_batches WHERE id = :key", b.id,
                    "migration batch");
        execute_cached(sql,
                       "UPDATE migration_batches SET kind = :kind, simulator_id = :simulator_id, "
                       "state = :state, max_parallel = :max_parallel, options = :options, "
                       "actor = :actor, created_at = :created_at, updated_at = :updated_at "
                       "WHERE id = :id",
                       batch_values(b));
    });
}

std::optional<api::MigrationBatch> SociTransaction::find_migration_batch(const std::string& id) {
    std::optional<api::MigrationBatch> result;
    run("find_migration_batch", [&](soci::session& sql) {
        result = select_first<api::MigrationBatch>(
            lease_.statements(), sql, std::string(kBatchSelect) + " WHERE id = :id", bind_batch,
            BoundValues().text("id", id), same_batch);
    });
    return result;
}

std::vector<api::MigrationBatch> SociTransaction::list_migration_batches(
    const std::string& simulator_id, int limit) {
    return list_migration_batches_before(simulator_id, "", "", limit);
}

std::vector<api::MigrationBatch> SociTransaction::list_migration_batches_before(
    const std::string& simulator_id, const std::string& before_created_at,
    const std::string& before_id, int limit) {
    std::vector<api::MigrationBatch> result;
    if (limit <= 0) {
        return result;
    }
    run("list_migration_batches", [&](soci::session& sql) {
        BoundValues values;
        std::string query = std::string(kBatchSelect) + " WHERE 1 = 1";
        if (!simulator_id.empty()) {
            query += " AND simulator_id = :simulator_id";
            values.text("simulator_id", simulator_id);
        }
        if (!before_created_at.empty()) {
            // As for the migrations above.
            query += " AND (created_at < :older_at OR (created_at = :same_at AND id < :before_id))";
            values.text("older_at", before_created_at)
                .text("same_at", before_created_at)
                .text("before_id", before_id);
        }
        query += " ORDER BY created_at DESC, id DESC LIMIT :limit";
        values.number("limit", limit);
        result = select_rows<api::MigrationBatch>(lease_.statements(), sql, query, bind_batch,
                                                  values, same_batch);
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
