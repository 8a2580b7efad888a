// PendingPlacementStore (plugin ABI 1.7): regions waiting for a simulator (docs/api.md, "Pending
// regions", "Pending regions"). One row per pending region; it goes with the region (ON DELETE
// CASCADE). seq is the creation order: the next one is MAX + 1, read under the grid lock every
// writer holds.
#include <soci/soci.h>

#include <algorithm>

#include "region_row.hpp"
#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

constexpr const char* kPendingSelect =
    "SELECT region_id, seq, reasons, since FROM region_placement_pending";

// pending_of binds its ids in chunks of this many (the last one padded with ""), so that its
// statement text is one and stays in the statement cache.
constexpr std::size_t kIdsPerQuery = 32;

struct PendingRow {
    std::string region_id;
    long long seq = 0;  // SOCI 4.0 binds 64-bit integers as long long
    std::string reasons;
    std::string since;
};

void bind_pending(soci::statement& st, PendingRow& row) {
    st.exchange(soci::into(row.region_id));
    st.exchange(soci::into(row.seq));
    st.exchange(soci::into(row.reasons));
    st.exchange(soci::into(row.since));
}

api::PendingPlacement to_pending(const PendingRow& row) {
    return {row.region_id, row.seq,
            labels_from_json(row.reasons,
                             "region " + row.region_id + ": region_placement_pending.reasons"),
            row.since};
}

std::string ids_query() {
    std::string query = std::string(kPendingSelect) + " WHERE region_id IN (";
    for (std::size_t i = 0; i < kIdsPerQuery; ++i) {
        query += (i == 0 ? ":id" : ", :id") + std::to_string(i);
    }
    return query + ")";
}

}  // namespace

void SociTransaction::mark_pending(const std::string& region_id,
                                   const std::vector<std::string>& reasons,
                                   const std::string& since) {
    run("mark_pending", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM regions WHERE uuid = :key", region_id, "region");
        const auto key = BoundValues().text("region_id", region_id);
        const auto existing = select_keys(
            sql, "SELECT region_id FROM region_placement_pending WHERE region_id = :region_id",
            key);
        if (!existing.empty()) {
            execute_cached(sql,
                           "UPDATE region_placement_pending SET reasons = :reasons "
                           "WHERE region_id = :region_id",
                           BoundValues()
                               .text("reasons", labels_to_json(reasons))
                               .text("region_id", region_id));
            return;
        }
        long long seq = 0;
        sql << "SELECT COALESCE(MAX(seq), 0) + 1 FROM region_placement_pending", soci::into(seq);
        execute_cached(sql,
                       "INSERT INTO region_placement_pending (region_id, seq, reasons, since) "
                       "VALUES (:region_id, :seq, :reasons, :since)",
                       BoundValues()
                           .text("region_id", region_id)
                           .number64("seq", seq)
                           .text("reasons", labels_to_json(reasons))
                           .text("since", since));
    });
}

void SociTransaction::clear_pending(const std::string& region_id) {
    run("clear_pending", [&](soci::session& sql) {
        execute_cached(sql, "DELETE FROM region_placement_pending WHERE region_id = :region_id",
                       BoundValues().text("region_id", region_id));
    });
}

std::vector<api::PendingPlacement> SociTransaction::list_pending(int limit) {
    std::vector<api::PendingPlacement> result;
    if (limit <= 0) {
        return result;
    }
    run("list_pending", [&](soci::session& sql) {
        result = select_rows<PendingRow>(
            lease_.statements(), sql, std::string(kPendingSelect) + " ORDER BY seq LIMIT :limit",
            bind_pending, BoundValues().number("limit", limit), to_pending);
    });
    return result;
}

int SociTransaction::count_pending() {
    int count = 0;
    run("count_pending", [&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM region_placement_pending", soci::into(count);
    });
    return count;
}

std::vector<api::PendingPlacement> SociTransaction::pending_of(
    const std::vector<std::string>& region_ids) {
    std::vector<api::PendingPlacement> result;
    if (region_ids.empty()) {
        return result;
    }
    run("pending_of", [&](soci::session& sql) {
        static const std::string query = ids_query();
        for (std::size_t start = 0; start < region_ids.size(); start += kIdsPerQuery) {
            BoundValues values;
            for (std::size_t i = 0; i < kIdsPerQuery; ++i) {
                const std::size_t at = start + i;
                values.text("id" + std::to_string(i), at < region_ids.size() ? region_ids[at] : "");
            }
            auto chunk = select_rows<PendingRow>(lease_.statements(), sql, query, bind_pending,
                                                 values, to_pending);
            std::move(chunk.begin(), chunk.end(), std::back_inserter(result));
        }
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
