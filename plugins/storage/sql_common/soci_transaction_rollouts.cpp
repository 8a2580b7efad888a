// RolloutLedger (plugin ABI 1.11): the records of template rollouts and of the regions each one
// upgrades (docs/rollouts.md). A rollout outlives its template and its regions (no foreign key).
// A rollout region's operation_id is NULL in the database while it is 0 here (waiting for no
// operation).
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// ---- rollouts ---------------------------------------------------------------------------------

constexpr const char* kRolloutSelect =
    "SELECT id, template_id, to_version, state, spec, current_wave, next_wave_at, error, actor, "
    "created_at, updated_at FROM rollouts";

void bind_rollout(soci::statement& st, api::Rollout& r) {
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.template_id));
    st.exchange(soci::into(r.to_version));
    st.exchange(soci::into(r.state));
    st.exchange(soci::into(r.spec));
    st.exchange(soci::into(r.current_wave));
    st.exchange(soci::into(r.next_wave_at));
    st.exchange(soci::into(r.error));
    st.exchange(soci::into(r.actor));
    st.exchange(soci::into(r.created_at));
    st.exchange(soci::into(r.updated_at));
}

api::Rollout same_rollout(const api::Rollout& rollout) {
    return rollout;
}

BoundValues rollout_values(const api::Rollout& r) {
    BoundValues values;
    values.text("id", r.id)
        .text("template_id", r.template_id)
        .text("to_version", r.to_version)
        .text("state", r.state)
        .text("spec", r.spec)
        .number("current_wave", r.current_wave)
        .text("next_wave_at", r.next_wave_at)
        .text("error", r.error)
        .text("actor", r.actor)
        .text("created_at", r.created_at)
        .text("updated_at", r.updated_at);
    return values;
}

// ---- rollout regions --------------------------------------------------------------------------

constexpr const char* kRolloutRegionSelect =
    "SELECT rollout_id, region_id, region_name, wave, state, from_version, to_version, "
    "operation_id, started_at, finished_at, error FROM rollout_regions";

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct RolloutRegionRow {
    api::RolloutRegion region;
    boost::optional<long long> operation_id;
};

void bind_rollout_region(soci::statement& st, RolloutRegionRow& row) {
    api::RolloutRegion& r = row.region;
    st.exchange(soci::into(r.rollout_id));
    st.exchange(soci::into(r.region_id));
    st.exchange(soci::into(r.region_name));
    st.exchange(soci::into(r.wave));
    st.exchange(soci::into(r.state));
    st.exchange(soci::into(r.from_version));
    st.exchange(soci::into(r.to_version));
    st.exchange(soci::into(row.operation_id));
    st.exchange(soci::into(r.started_at));
    st.exchange(soci::into(r.finished_at));
    st.exchange(soci::into(r.error));
}

api::RolloutRegion to_rollout_region(const RolloutRegionRow& row) {
    api::RolloutRegion region = row.region;
    region.operation_id = static_cast<std::int64_t>(row.operation_id.value_or(0));
    return region;
}

BoundValues rollout_region_values(const api::RolloutRegion& r) {
    BoundValues values;
    values.text("rollout_id", r.rollout_id)
        .text("region_id", r.region_id)
        .text("region_name", r.region_name)
        .number("wave", r.wave)
        .text("state", r.state)
        .text("from_version", r.from_version)
        .text("to_version", r.to_version)
        .number64_or_null("operation_id", r.operation_id == 0
                                              ? boost::optional<long long>()
                                              : boost::optional<long long>(r.operation_id))
        .text("started_at", r.started_at)
        .text("finished_at", r.finished_at)
        .text("error", r.error);
    return values;
}

}  // namespace

void SociTransaction::insert_rollout(const api::Rollout& r) {
    run("insert_rollout", [&](soci::session& sql) {
        execute_cached(sql,
                       "INSERT INTO rollouts (id, template_id, to_version, state, spec, "
                       "current_wave, next_wave_at, error, actor, created_at, updated_at) VALUES "
                       "(:id, :template_id, :to_version, :state, :spec, :current_wave, "
                       ":next_wave_at, :error, :actor, :created_at, :updated_at)",
                       rollout_values(r));
    });
}

void SociTransaction::update_rollout(const api::Rollout& r) {
    run("update_rollout", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM rollouts WHERE id = :key", r.id, "rollout");
        execute_cached(sql,
                       "UPDATE rollouts SET template_id = :template_id, to_version = :to_version, "
                       "state = :state, spec = :spec, current_wave = :current_wave, "
                       "next_wave_at = :next_wave_at, error = :error, actor = :actor, "
                       "created_at = :created_at, updated_at = :updated_at WHERE id = :id",
                       rollout_values(r));
    });
}

std::optional<api::Rollout> SociTransaction::find_rollout(const std::string& id) {
    std::optional<api::Rollout> result;
    run("find_rollout", [&](soci::session& sql) {
        result = select_first<api::Rollout>(
            lease_.statements(), sql, std::string(kRolloutSelect) + " WHERE id = :id", bind_rollout,
            BoundValues().text("id", id), same_rollout);
    });
    return result;
}

std::vector<api::Rollout> SociTransaction::list_rollouts(const std::string& template_id,
                                                         const std::string& before_created_at,
                                                         const std::string& before_id, int limit) {
    std::vector<api::Rollout> result;
    if (limit <= 0) {
        return result;
    }
    run("list_rollouts", [&](soci::session& sql) {
        BoundValues values;
        std::string query = std::string(kRolloutSelect) + " WHERE 1 = 1";
        if (!template_id.empty()) {
            query += " AND template_id = :template_id";
            values.text("template_id", template_id);
        }
        if (!before_created_at.empty()) {
            query += " AND (created_at < :older_at OR (created_at = :same_at AND id < :before_id))";
            values.text("older_at", before_created_at)
                .text("same_at", before_created_at)
                .text("before_id", before_id);
        }
        query += " ORDER BY created_at DESC, id DESC LIMIT :limit";
        values.number("limit", limit);
        result = select_rows<api::Rollout>(lease_.statements(), sql, query, bind_rollout, values,
                                           same_rollout);
    });
    return result;
}

std::vector<api::Rollout> SociTransaction::list_active_rollouts() {
    std::vector<api::Rollout> result;
    run("list_active_rollouts", [&](soci::session& sql) {
        result = select_rows<api::Rollout>(
            lease_.statements(), sql,
            std::string(kRolloutSelect) +
                " WHERE state IN ('planned', 'running', 'paused') ORDER BY created_at, id",
            bind_rollout, BoundValues(), same_rollout);
    });
    return result;
}

void SociTransaction::insert_rollout_region(const api::RolloutRegion& r) {
    run("insert_rollout_region", [&](soci::session& sql) {
        execute_cached(sql,
                       "INSERT INTO rollout_regions (rollout_id, region_id, region_name, wave, "
                       "state, from_version, to_version, operation_id, started_at, finished_at, "
                       "error) VALUES (:rollout_id, :region_id, :region_name, :wave, :state, "
                       ":from_version, :to_version, :operation_id, :started_at, :finished_at, "
                       ":error)",
                       rollout_region_values(r));
    });
}

void SociTransaction::update_rollout_region(const api::RolloutRegion& r) {
    run("update_rollout_region", [&](soci::session& sql) {
        int count = 0;
        sql << "SELECT COUNT(*) FROM rollout_regions WHERE rollout_id = :rollout_id AND "
               "region_id = :region_id",
            soci::use(r.rollout_id, "rollout_id"), soci::use(r.region_id, "region_id"),
            soci::into(count);
        if (count == 0) {
            throw api::StorageError("no region '" + r.region_id + "' in rollout '" + r.rollout_id +
                                    "'");
        }
        execute_cached(sql,
                       "UPDATE rollout_regions SET region_name = :region_name, wave = :wave, "
                       "state = :state, from_version = :from_version, to_version = :to_version, "
                       "operation_id = :operation_id, started_at = :started_at, "
                       "finished_at = :finished_at, error = :error WHERE rollout_id = "
                       ":rollout_id AND region_id = :region_id",
                       rollout_region_values(r));
    });
}

std::vector<api::RolloutRegion> SociTransaction::list_rollout_regions(
    const std::string& rollout_id) {
    std::vector<api::RolloutRegion> result;
    run("list_rollout_regions", [&](soci::session& sql) {
        result = select_rows<RolloutRegionRow>(
            lease_.statements(), sql,
            std::string(kRolloutRegionSelect) +
                " WHERE rollout_id = :rollout_id ORDER BY wave, region_name, region_id",
            bind_rollout_region, BoundValues().text("rollout_id", rollout_id), to_rollout_region);
    });
    return result;
}

std::optional<api::RolloutRegion> SociTransaction::find_rollout_region_by_operation(
    std::int64_t operation_id) {
    std::optional<api::RolloutRegion> result;
    if (operation_id == 0) {
        return result;  // stored as NULL
    }
    run("find_rollout_region_by_operation", [&](soci::session& sql) {
        result = select_first<RolloutRegionRow>(
            lease_.statements(), sql,
            std::string(kRolloutRegionSelect) +
                " WHERE operation_id = :operation_id ORDER BY started_at DESC LIMIT 1",
            bind_rollout_region, BoundValues().number64("operation_id", operation_id),
            to_rollout_region);
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
