// Regions: the main row plus every supplement, written together and read with one join.
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "name_folding.hpp"
#include "prepared_statement.hpp"
#include "region_row.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// LIKE pattern matching names that start with `prefix` literally: '!' escapes LIKE's wildcards
// ('!' rather than '\', which MariaDB string literals would need doubled). LIKE is case-sensitive
// on every backend here (SQLite: PRAGMA case_sensitive_like; MariaDB: utf8mb4_bin; PostgreSQL).
std::string like_prefix(const std::string& prefix) {
    std::string pattern;
    pattern.reserve(prefix.size() + 1);
    for (const char c : prefix) {
        if (c == '%' || c == '_' || c == '!') {
            pattern.push_back('!');
        }
        pattern.push_back(c);
    }
    pattern.push_back('%');
    return pattern;
}

boost::optional<std::string> null_if_empty(const std::string& text) {
    return text.empty() ? boost::optional<std::string>() : boost::optional<std::string>(text);
}

// Every column of the main row, by the names the INSERT and the UPDATE below use.
BoundValues main_row_values(const api::Region& r) {
    const bool pending = r.host.empty() && r.port == 0;
    BoundValues values;
    values.text("uuid", r.uuid)
        .text("name", r.name)
        .text("estate_id", r.estate_id)
        .text_or_null("template_id", null_if_empty(r.template_id))
        .number("loc_x", r.loc_x)
        .number("loc_y", r.loc_y)
        .number("size_x", r.size_x)
        .number("size_y", r.size_y)
        // A pending region (host "" and port 0, docs/api.md "Pending regions") has neither:
        // NULL, which UNIQUE never compares. A port 0 beside a host is still refused (CHECK).
        .number_or_null("port", pending ? boost::optional<int>() : boost::optional<int>(r.port))
        .text_or_null(
            "host", pending ? boost::optional<std::string>() : boost::optional<std::string>(r.host))
        .text("physics_type", r.physics_type)
        .text("terrain_preset", r.terrain_preset)
        .number("draw_distance_cap", r.draw_distance_cap)
        .number("major", r.version.major)
        .number("minor", r.version.minor)
        .number("patch", r.version.patch)
        .text("mode", r.region_state_mode);
    return values;
}

constexpr const char* kInsertMainRow =
    "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, size_y, "
    "port, host, physics_type, terrain_preset, draw_distance_cap, version_major, "
    "version_minor, version_patch, region_state_mode) VALUES (:uuid, :name, :estate_id, "
    ":template_id, :loc_x, :loc_y, :size_x, :size_y, :port, :host, :physics_type, "
    ":terrain_preset, :draw_distance_cap, :major, :minor, :patch, :mode)";

constexpr const char* kUpdateMainRow =
    "UPDATE regions SET name = :name, estate_id = :estate_id, template_id = :template_id, "
    "loc_x = :loc_x, loc_y = :loc_y, size_x = :size_x, size_y = :size_y, port = :port, "
    "host = :host, physics_type = :physics_type, terrain_preset = :terrain_preset, "
    "draw_distance_cap = :draw_distance_cap, version_major = :major, "
    "version_minor = :minor, version_patch = :patch, region_state_mode = :mode "
    "WHERE uuid = :uuid";

// The supplements update_region replaces. region_runtime is observed state: never touched here.
constexpr const char* kDeleteSupplements[] = {
    "DELETE FROM region_environment WHERE region_uuid = :uuid",
    "DELETE FROM region_terrain WHERE region_uuid = :uuid",
    "DELETE FROM region_permissions WHERE region_uuid = :uuid",
    "DELETE FROM region_flags WHERE region_uuid = :uuid",
    "DELETE FROM region_placement_rules WHERE region_uuid = :uuid",
    "DELETE FROM region_template_data WHERE region_uuid = :uuid",
};

}  // namespace

std::vector<SociTransaction::Write> SociTransaction::supplement_writes(const api::Region& r) {
    std::vector<Write> writes;
    const auto& env = r.environment;
    writes.push_back(
        {"INSERT INTO region_environment (region_uuid, water_height, sun_fixed, "
         "sun_position, environment_preset) VALUES (:uuid, :water_height, :sun_fixed, "
         ":sun_position, :preset)",
         BoundValues()
             .text("uuid", r.uuid)
             .real("water_height", env.water_height)
             .number("sun_fixed", env.sun_fixed ? 1 : 0)
             .real("sun_position", env.sun_position)
             .text("preset", env.environment_preset)});

    writes.push_back(
        {"INSERT INTO region_terrain (region_uuid, raise_limit, lower_limit) "
         "VALUES (:uuid, :raise_limit, :lower_limit)",
         BoundValues()
             .text("uuid", r.uuid)
             .real("raise_limit", r.terrain.raise_limit)
             .real("lower_limit", r.terrain.lower_limit)});

    const auto& permissions = r.permissions;
    writes.push_back(
        {"INSERT INTO region_permissions (region_uuid, public_access, allow_damage, "
         "allow_terraform) VALUES (:uuid, :public_access, :allow_damage, "
         ":allow_terraform)",
         BoundValues()
             .text("uuid", r.uuid)
             .number("public_access", permissions.public_access ? 1 : 0)
             .number("allow_damage", permissions.allow_damage ? 1 : 0)
             .number("allow_terraform", permissions.allow_terraform ? 1 : 0)});

    const auto& f = r.flags;
    writes.push_back(
        {"INSERT INTO region_flags (region_uuid, enabled, allow_voice, allow_flying, "
         "allow_scripts, max_prims, max_agents) VALUES (:uuid, :enabled, :allow_voice, "
         ":allow_flying, :allow_scripts, :max_prims, :max_agents)",
         BoundValues()
             .text("uuid", r.uuid)
             .number("enabled", f.enabled ? 1 : 0)
             .number("allow_voice", f.allow_voice ? 1 : 0)
             .number("allow_flying", f.allow_flying ? 1 : 0)
             .number("allow_scripts", f.allow_scripts ? 1 : 0)
             .number("max_prims", f.max_prims)
             .number("max_agents", f.max_agents)});

    const auto& p = r.placement;
    writes.push_back(
        {"INSERT INTO region_placement_rules (region_uuid, simulator_id, "
         "required_labels, preferred_labels, anti_affinity) VALUES (:uuid, "
         ":simulator_id, :required, :preferred, :anti_affinity)",
         BoundValues()
             .text("uuid", r.uuid)
             .text("simulator_id", p.simulator_id)
             .text("required", labels_to_json(p.required_labels))
             .text("preferred", labels_to_json(p.preferred_labels))
             .text("anti_affinity", labels_to_json(p.anti_affinity))});

    const auto& version = r.template_data.template_version;
    const auto part = [&version](int api::SemVer::*field) {
        return version ? boost::optional<int>((*version).*field) : boost::none;
    };
    writes.push_back(
        {"INSERT INTO region_template_data (region_uuid, template_version_major, "
         "template_version_minor, template_version_patch, parcel_layout) VALUES (:uuid, "
         ":major, :minor, :patch, :parcel_layout)",
         BoundValues()
             .text("uuid", r.uuid)
             .number_or_null("major", part(&api::SemVer::major))
             .number_or_null("minor", part(&api::SemVer::minor))
             .number_or_null("patch", part(&api::SemVer::patch))
             .text("parcel_layout", r.template_data.parcel_layout)});
    return writes;
}

void SociTransaction::execute_cached(soci::session& sql, const std::string& text,
                                     const BoundValues& values) {
    run_prepared_command(lease_.statements(), sql, text, values);
}

std::vector<std::string> SociTransaction::select_keys(soci::session& sql, const std::string& text,
                                                      const BoundValues& values) {
    std::vector<std::string> keys;
    run_prepared_query<std::string>(
        lease_.statements(), sql, text, values,
        [](soci::statement& st, std::string& key) { st.exchange(soci::into(key)); },
        [&](const std::string& key) { keys.push_back(key); });
    return keys;
}

std::vector<api::Region> SociTransaction::select_regions(soci::session& sql,
                                                         const std::string& conditions,
                                                         const std::string& order_and_limit,
                                                         const BoundValues& values) {
    std::vector<api::Region> regions;
    run_prepared_query<RegionRow>(
        lease_.statements(), sql, std::string(kRegionSelect) + conditions + order_and_limit, values,
        bind_region_row, [&](const RegionRow& row) { regions.push_back(to_region(row)); });
    return regions;
}

std::optional<api::Region> SociTransaction::find_region(const std::string& uuid) {
    std::optional<api::Region> result;
    run("find_region", [&](soci::session& sql) {
        auto regions =
            select_regions(sql, " WHERE r.uuid = :uuid", "", BoundValues().text("uuid", uuid));
        if (!regions.empty()) {
            result = std::move(regions.front());
        }
    });
    return result;
}

std::optional<api::Region> SociTransaction::find_region_by_name(const std::string& name) {
    std::optional<api::Region> result;
    run("find_region_by_name", [&](soci::session& sql) {
        auto regions = select_regions(sql, " WHERE " + folded_name_matches(dialect_, "r.name"), "",
                                      BoundValues().text("key", name));
        if (!regions.empty()) {
            result = std::move(regions.front());
        }
    });
    return result;
}

std::vector<api::RegionFootprint> SociTransaction::list_region_footprints() {
    std::vector<api::RegionFootprint> result;
    run("list_region_footprints", [&](soci::session& sql) {
        run_prepared_query<api::RegionFootprint>(
            lease_.statements(), sql, std::string(kFootprintSelect) + "ORDER BY r.name",
            BoundValues(), bind_footprint,
            [&](const api::RegionFootprint& f) { result.push_back(f); });
    });
    return result;
}

namespace {

// " WHERE ..." for list_regions' filter and keyset page; the values are bound.
std::string region_list_conditions(const api::RegionFilter& filter, const std::string& after_name,
                                   BoundValues& values) {
    // Fixed fragments, chosen by which filters are set.
    std::string conditions = " WHERE 1 = 1";
    if (!filter.name_prefix.empty()) {
        conditions += " AND r.name LIKE :pattern ESCAPE '!'";
        values.text("pattern", like_prefix(filter.name_prefix));
    }
    if (!filter.estate_id.empty()) {
        conditions += " AND r.estate_id = :estate_id";
        values.text("estate_id", filter.estate_id);
    }
    if (!filter.template_id.empty()) {
        conditions += " AND r.template_id = :template_id";
        values.text("template_id", filter.template_id);
    }
    if (!filter.host.empty()) {
        conditions += " AND r.host = :host";
        values.text("host", filter.host);
    }
    if (!after_name.empty()) {
        conditions += " AND r.name > :after";
        values.text("after", after_name);
    }
    return conditions;
}

}  // namespace

std::vector<api::Region> SociTransaction::list_regions(const api::RegionFilter& filter,
                                                       const std::string& after_name, int limit) {
    std::vector<api::Region> result;
    if (limit <= 0) {
        return result;
    }
    run("list_regions", [&](soci::session& sql) {
        BoundValues values;
        const std::string conditions = region_list_conditions(filter, after_name, values);
        values.number("limit", limit);
        result = select_regions(sql, conditions, " ORDER BY r.name LIMIT :limit", values);
    });
    return result;
}

std::vector<api::Region> SociTransaction::list_regions_by_placement(const api::RegionFilter& filter,
                                                                    bool pending,
                                                                    const std::string& after_name,
                                                                    int limit) {
    std::vector<api::Region> result;
    if (limit <= 0) {
        return result;
    }
    run("list_regions_by_placement", [&](soci::session& sql) {
        BoundValues values;
        std::string conditions = region_list_conditions(filter, after_name, values);
        conditions += pending ? " AND EXISTS" : " AND NOT EXISTS";
        conditions += " (SELECT 1 FROM region_placement_pending pp WHERE pp.region_id = r.uuid)";
        values.number("limit", limit);
        result = select_regions(sql, conditions, " ORDER BY r.name LIMIT :limit", values);
    });
    return result;
}

void SociTransaction::insert_region(const api::Region& region) {
    run("insert_region", [&](soci::session& sql) {
        auto writes = supplement_writes(region);
        writes.insert(writes.begin(), Write{kInsertMainRow, main_row_values(region)});
        log_grid_change(sql, "region", region.uuid, writes);
    });
}

void SociTransaction::update_region(const api::Region& region) {
    run("update_region", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM regions WHERE uuid = :key", region.uuid, "region");
        execute_cached(sql, kUpdateMainRow, main_row_values(region));
        const auto key = BoundValues().text("uuid", region.uuid);
        for (const char* statement : kDeleteSupplements) {
            execute_cached(sql, statement, key);
        }
        log_grid_change(sql, "region", region.uuid, supplement_writes(region));
    });
}

void SociTransaction::delete_region(const std::string& uuid) {
    // The supplements go with it (ON DELETE CASCADE); its history stays.
    run("delete_region", [&](soci::session& sql) {
        sql << "DELETE FROM regions WHERE uuid = :uuid", soci::use(uuid, "uuid");
        log_grid_change(sql, "region", uuid);
    });
}

std::vector<api::Region> SociTransaction::find_regions_overlapping(
    int x0, int y0, int x1, int y1, const std::string& exclude_uuid) {
    std::vector<api::Region> result;
    run("find_regions_overlapping", [&](soci::session& sql) {
        // Footprint [loc, loc + size/256) against [x0, x1) x [y0, y1). Sizes are multiples of 256
        // (a CHECK constraint), so the division is exact in every dialect. No footprint is wider
        // than the widest region present, so loc > x0 - that width: the lower bounds add nothing
        // to the answer but let the (loc_x, loc_y) index bound the search, which would otherwise
        // walk every region (2.6 ms at 10,000 regions on SQLite; docs/benchmarks.md). The widest
        // present rather than the widest allowed (kMaxRegionSize): on a grid of 256 m regions the
        // search reads one column of the map instead of 33. The size indexes answer MAX() at once.
        // Each width a subquery of its own in the WHERE: SQLite answers MAX() from an index only
        // when it is its query's one aggregate ("SELECT MAX(size_x), MAX(size_y)" reads the whole
        // table), and each of the three databases computes it once and bounds the index range
        // with it (EXPLAIN: SQLite "SEARCH r USING INDEX regions_location (loc_x>? AND loc_x<?)",
        // MariaDB "range" on regions_location, PostgreSQL an InitPlan in the Index Cond). No
        // region at all: the bound is NULL and nothing matches. One statement, not a query for
        // the widths first: every create asks, inside the write transaction, and on PostgreSQL
        // each statement is a round trip.
        // The keys first, from the regions table alone, then each region by its key (almost
        // always none): joined with its supplements in one query, PostgreSQL estimated the
        // range to match many rows and hashed every supplement table, O(regions) per create.
        const auto uuids = select_keys(
            sql,
            "SELECT r.uuid FROM regions r"
            " WHERE r.loc_x < :x1 AND r.loc_x > :x_from - (SELECT MAX(size_x) FROM regions) / 256"
            " AND r.loc_x + r.size_x / 256 > :x0"
            " AND r.loc_y < :y1 AND r.loc_y > :y_from - (SELECT MAX(size_y) FROM regions) / 256"
            " AND r.loc_y + r.size_y / 256 > :y0"
            " AND r.uuid <> :exclude ORDER BY r.name",
            // x0 and y0 twice, under two names: not every SOCI backend binds a repeated name.
            BoundValues()
                .number("x1", x1)
                .number("x_from", x0)
                .number("x0", x0)
                .number("y1", y1)
                .number("y_from", y0)
                .number("y0", y0)
                .text("exclude", exclude_uuid));
        for (const auto& uuid : uuids) {
            auto found =
                select_regions(sql, " WHERE r.uuid = :uuid", "", BoundValues().text("uuid", uuid));
            result.insert(result.end(), found.begin(), found.end());
        }
    });
    return result;
}

std::optional<api::Region> SociTransaction::find_region_by_host_port(
    const std::string& host, int port, const std::string& exclude_uuid) {
    std::optional<api::Region> result;
    run("find_region_by_host_port", [&](soci::session& sql) {
        auto regions = select_regions(
            sql, " WHERE r.host = :host AND r.port = :port AND r.uuid <> :exclude", "",
            BoundValues().text("host", host).number("port", port).text("exclude", exclude_uuid));
        if (!regions.empty()) {
            result = std::move(regions.front());
        }
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
